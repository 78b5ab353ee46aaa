import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { expectCode } from '../helpers/workflow.js';

/** Files as people and tools leave them: readers validate like writers, and every failure names the file and the way out. */
const made: TestRepo[] = [];
afterAll(() => made.forEach((r) => r.cleanup()));

function started(): TestRepo {
  const repo = makeRepo();
  made.push(repo);
  expectCode(repo.wf(['init', '--yes', '--no-hooks']), 0);
  expectCode(repo.wf(['task', 'start', 'T-1', '--title', 'A task']), 0);
  return repo;
}

const noStack = (text: string) => expect(text).not.toMatch(/RangeError|TypeError|at .+\.js:\d+|a bug in wf/);

describe('odd state and config files', () => {
  it('a title that is not a string, or nested past any stack, is an invalid state (exit 2, the file named), for every reader', () => {
    const repo = started();
    const state = JSON.parse(repo.read('.claude/task-state.json'));
    state.tasks['T-1'].title = ['an', 'array'];
    repo.write('.claude/task-state.json', JSON.stringify(state));
    for (const args of [['status'], ['task', 'list'], ['next']]) {
      const r = repo.wf(args);
      expectCode(r, 2);
      expect(r.stderr, args.join(' ')).toContain('tasks.T-1.title must be a string');
      expect(r.stderr).toContain('.claude/task-state.json');
      noStack(r.stderr);
    }
    const before = JSON.stringify(state).replace('["an","array"]', `${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    repo.write('.claude/task-state.json', before);
    const deep = repo.wf(['status']);
    expectCode(deep, 2);
    noStack(deep.stderr);
    // Nothing is lost: the file is as it was.
    expect(repo.read('.claude/task-state.json')).toBe(before);
  });

  it('a folder where the state or the config should be: exit 3 naming it, with the way out', () => {
    const repo = started();
    rmSync(join(repo.dir, '.claude/task-state.json'));
    mkdirSync(join(repo.dir, '.claude/task-state.json'));
    const r = repo.wf(['status']);
    expectCode(r, 3);
    expect(r.stderr).toContain('the state file cannot be read (EISDIR: it is a folder)');
    noStack(r.stderr);
    rmSync(join(repo.dir, '.claude/task-state.json'), { recursive: true });
    rmSync(join(repo.dir, '.claude/wf.config.json'));
    mkdirSync(join(repo.dir, '.claude/wf.config.json'));
    const c = repo.wf(['task', 'start', 'T-2', '--title', 'x']);
    expectCode(c, 3);
    expect(c.stderr).toContain('the config file cannot be read (EISDIR: it is a folder)');
  });

  it('a state file that is a symbolic link is written through, never replaced; a link to nothing is refused, naming it', () => {
    const repo = started();
    const state = join(repo.dir, '.claude/task-state.json');
    mkdirSync(join(repo.dir, 'shared'));
    const shared = join(repo.dir, 'shared', 'state.json');
    writeFileSync(shared, readFileSync(state));
    rmSync(state);
    symlinkSync(shared, state);
    expectCode(repo.wf(['task', 'start', 'T-2', '--title', 'Through the link']), 0);
    expect(lstatSync(state).isSymbolicLink()).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(shared, 'utf8')).tasks)).toEqual(['T-1', 'T-2']);
    // A link out of the working files (into .git, or elsewhere on the machine) is not written through.
    const before = repo.read('.claude/workflow-audit.log');
    for (const outside of [join(repo.dir, '.git', 'hooks', 'pre-commit'), join(repo.dir, '..', `elsewhere-${Math.random().toString(36).slice(2)}.json`)]) {
      writeFileSync(outside, readFileSync(shared));
      rmSync(state);
      symlinkSync(outside, state);
      const out = repo.wf(['task', 'start', 'T-9', '--title', 'Out of bounds']);
      expectCode(out, 3);
      expect(out.stderr).toContain('outside the repository\'s working files');
      expect(readFileSync(outside)).toEqual(readFileSync(shared));
      rmSync(outside);
    }
    expect(repo.read('.claude/workflow-audit.log')).toBe(before);
    rmSync(state);
    symlinkSync(shared, state);
    rmSync(shared);
    const dangling = repo.wf(['task', 'start', 'T-3', '--title', 'Nowhere']);
    expectCode(dangling, 3);
    expect(dangling.stderr).toContain('task-state.json is a symbolic link to');
    expect(dangling.stderr).toContain('it does not exist');
    noStack(dangling.stderr);
    expect(lstatSync(state).isSymbolicLink()).toBe(true);
    // The refused write left no audit entry behind for a change that did not happen.
    expect(repo.read('.claude/workflow-audit.log')).toBe(before);
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk under the audit log: exit 3 naming the log, no torn line, nothing changed; once there is room every command works', () => {
    const repo = started();
    const log = join(repo.dir, '.claude/workflow-audit.log');
    const kept = readFileSync(log);
    const stateBefore = repo.read('.claude/task-state.json');
    rmSync(log);
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    symlinkSync('/dev/full', log);
    const full = repo.wf(['todo', 'add', 'write the docs']);
    expectCode(full, 3);
    expect(full.stderr).toContain('workflow-audit.log (ENOSPC: the disk is full)');
    expect(full.stderr).toContain('free some space');
    noStack(full.stderr);
    expect(repo.read('.claude/task-state.json')).toBe(stateBefore);
    rmSync(log);
    writeFileSync(log, kept);
    expectCode(repo.wf(['todo', 'add', 'write the docs']), 0);
    expectCode(repo.wf(['audit', 'verify']), 0);
    expect(repo.wf(['todo', 'list']).stdout).toContain('write the docs');
  });

  it('a config saved with a UTF-8 byte-order mark is read', () => {
    const repo = started();
    const text = repo.read('.claude/wf.config.json');
    writeFileSync(join(repo.dir, '.claude/wf.config.json'), `\uFEFF${text}`);
    expectCode(repo.wf(['status']), 0);
    expectCode(repo.wf(['task', 'start', 'T-2', '--title', 'Another']), 0);
  });
});
