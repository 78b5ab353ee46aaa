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
