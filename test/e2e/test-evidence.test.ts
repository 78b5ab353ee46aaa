import { afterEach, describe, expect, it } from 'vitest';
import { expectCode, patchConfig, plannedRepo } from '../helpers/workflow.js';
import type { TestRepo } from '../helpers/repo.js';

describe('wf test: what counts as test evidence, and where the tests run', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  it('wf test -- <another command> is an ad-hoc run: logged, but the tests gate stays open', () => {
    repo = plannedRepo({ hooks: false });
    repo.write('src/app.txt', 'changed\n');
    repo.gitOk(['add', '-A']);
    const adHoc = repo.wf(['test', '--task-id', 'T-1', '--', 'node', '-e', 'process.exit(0)']);
    expectCode(adHoc, 0);
    expect(adHoc.stdout).toMatch(/ad-hoc run .* does not count for the tests gate/);
    const gates = (JSON.parse(repo.wf(['status', '--json']).stdout) as { gates: { id: string; status: string }[] }).gates;
    expect(gates.find((g) => g.id === 'tests')?.status).toBe('fail');
    // The configured command, spelled after --, is the configured run and counts.
    const configured = repo.wf(['test', '--task-id', 'T-1', '--', 'node', 'test.mjs']);
    expectCode(configured, 0);
    expect(configured.stdout).toMatch(/tests passed/);
  });

  it('files git does not compare with the working tree (assume-unchanged, skip-worktree) are refused, naming them and the fix', () => {
    repo = plannedRepo({ hooks: false });
    repo.write('src/app.txt', 'staged bytes\n');
    repo.gitOk(['add', '-A']);
    for (const [bit, flag] of [['assume-unchanged', '--assume-unchanged'], ['skip-worktree', '--skip-worktree']] as const) {
      repo.gitOk(['update-index', flag, 'src/app.txt']);
      // The tests would read these bytes, the fingerprint is of the staged ones; git diff sees no difference.
      repo.write('src/app.txt', 'other bytes\n');
      expect(repo.git(['diff', '--quiet']).code).toBe(0);
      const r = repo.wf(['test', '--task-id', 'T-1']);
      expectCode(r, 1);
      expect(r.stderr).toContain(`src/app.txt is marked ${bit}`);
      expect(r.stderr).toContain(`git update-index --no-${bit} -- "src/app.txt"`);
      repo.gitOk(['update-index', `--no-${bit}`, 'src/app.txt']);
      repo.write('src/app.txt', 'staged bytes\n');
    }
    expectCode(repo.wf(['test', '--task-id', 'T-1']), 0);
  });

  it('a test folder or npm script that is not there is exit 3 naming the folder and test.cwd, not "fix the code"', () => {
    repo = plannedRepo({ hooks: false });
    patchConfig(repo, (c) => {
      c.test.command = 'npm test';
    });
    repo.write('src/app.txt', 'changed\n');
    repo.gitOk(['add', '-A']);
    const noPackage = repo.wf(['test', '--task-id', 'T-1']);
    expectCode(noPackage, 3);
    expect(noPackage.stderr).toMatch(/package\.json/);
    expect(noPackage.stderr).toMatch(/test\.cwd/);
    expect(noPackage.stderr).not.toMatch(/fix the code/);
    patchConfig(repo, (c) => {
      c.test.cwd = 'packages/missing';
    });
    repo.gitOk(['add', '-A']);
    const noFolder = repo.wf(['test', '--task-id', 'T-1']);
    expectCode(noFolder, 3);
    expect(noFolder.stderr).toMatch(/packages\/missing/);
  });
});
