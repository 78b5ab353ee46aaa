import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REAL_PLAN, realId, type TestRepo, WF_BIN } from '../helpers/repo.js';
import { expectCode, patchConfig, plannedRepo, testAndApprove } from '../helpers/workflow.js';

const made: TestRepo[] = [];
afterAll(() => made.forEach((r) => r.cleanup()));

describe('wf commit', () => {
  it('works with several active tasks: the hooks it triggers are told which task', () => {
    const repo = plannedRepo({ taskId: 'P1a' });
    made.push(repo);
    expectCode(repo.wf(['task', 'start', 'P1b', '--title', 'Another']), 0);
    expectCode(repo.wf(['plan', '--task-id', 'P1b']), 0);
    repo.write('.claude/subtasks/P1b/plan.md', REAL_PLAN);
    expectCode(repo.wf(['plan', '--task-id', 'P1b']), 0);
    repo.write('src/app.txt', 'a change for P1a\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test', '--task-id', 'P1a']), 0);
    expectCode(repo.wf(['record-review', '--task-id', 'P1a', '--reviewer', 'alice', '--continuation-id', realId(5), '--status', 'approved']), 0);
    const r = repo.wf(['commit', '--task-id', 'P1a', '-m', 'P1a change']);
    expectCode(r, 0);
    expect(repo.gitOk(['log', '-1', '--format=%s'])).toBe('P1a change');
  });

  it('another wf command recording the landed commit first (here from post-commit) leaves wf commit at exit 0, recorded once', () => {
    const repo = plannedRepo();
    made.push(repo);
    // git runs post-commit after the commit exists and before wf commit records it: the race, made certain.
    const hooks = repo.gitOk(['rev-parse', '--git-path', 'hooks']);
    const hook = join(repo.dir, hooks, 'post-commit');
    writeFileSync(hook, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(WF_BIN)} status >/dev/null\n`);
    chmodSync(hook, 0o755);
    repo.write('src/app.txt', 'changed\n');
    testAndApprove(repo);
    const r = repo.wf(['commit', '-m', 'raced']);
    expectCode(r, 0);
    const task = JSON.parse(repo.read('.claude/task-state.json')).tasks['T-1'];
    expect(task.step).toBe('implement');
    expect(task.commits.map((c: { sha: string }) => c.sha)).toEqual([repo.gitOk(['rev-parse', 'HEAD'])]);
    expect(repo.read('.claude/workflow-audit.log').match(/"commit-made"/g)).toHaveLength(1);
  });

  it('checks the audit log before committing: with the log gone, nothing is committed and the task stays where it was', () => {
    const repo = plannedRepo();
    made.push(repo);
    repo.write('src/app.txt', 'changed\n');
    testAndApprove(repo);
    rmSync(join(repo.dir, '.claude/workflow-audit.log'));
    const r = repo.wf(['commit', '-m', 'no log']);
    expectCode(r, 1);
    expect(r.stderr).toMatch(/audit log holds no entry for the approval by alice .*nothing was committed/);
    expect(repo.git(['rev-parse', '-q', '--verify', 'HEAD']).code).not.toBe(0);
    expect(JSON.parse(repo.wf(['status', '--json']).stdout).task.step).toBe('commit');
  });
});

describe('a plain git commit through the gates counts, with trailers git reads', () => {
  const trailersOf = (repo: TestRepo, rev = 'HEAD') => repo.gitOk(['log', '-1', '--format=%(trailers:key=Review-Hash,valueonly)', rev]);

  it('advances the task exactly as wf commit does: next says so, status records it, finish works, the log holds commit-made', () => {
    const repo = plannedRepo();
    made.push(repo);
    repo.write('src/app.txt', 'a plain commit\n');
    testAndApprove(repo);
    const hash = repo.wf(['hash']).stdout.trim();
    expectCode(repo.git(['commit', '-q', '-m', 'A plain commit']), 0);
    expect(trailersOf(repo)).toBe(hash);
    const next = repo.wf(['next', '--json']);
    expect(JSON.parse(next.stdout)).toMatchObject({ command: 'wf status', reason: expect.stringContaining('with git commit') });
    expectCode(repo.wf(['status']), 0);
    const state = JSON.parse(repo.read('.claude/task-state.json'));
    expect(state.tasks['T-1'].step).toBe('implement');
    expect(state.tasks['T-1'].commits.map((c: { sha: string }) => c.sha)).toEqual([repo.gitOk(['rev-parse', 'HEAD'])]);
    expect(repo.read('.claude/workflow-audit.log')).toContain('"commit-made"');
    expectCode(repo.wf(['task', 'finish', '--task-id', 'T-1']), 0);
  });

  it.each<[string, string[], string[]]>([
    ['a --- line in the body', [], ['commit', '-q', '-m', 'Subject', '-m', 'Body\n---\nafter the divider']],
    ['the user\'s trailer settings', ['-c', 'trailer.ifexists=replace', '-c', 'trailer.ifmissing=doNothing', '-c', 'trailer.where=start', '-c', 'trailer.separators=='], ['commit', '-q', '-m', 'Subject']],
    ['a Signed-off-by already there', [], ['commit', '-q', '-s', '-m', 'Subject']],
    // Lines git keeps though they start with a character core.commentChar=auto could pick: a shell prompt, a mention, a bang.
    ['a body ending in a shell prompt line', [], ['commit', '-q', '-m', 'Subject', '-m', 'Run it:\n$ npm test']],
    ['a body ending in @mentions and ! lines', [], ['commit', '-q', '-m', 'Subject', '-m', '@ alice please look\n! breaking: the flag is gone']],
    ['commentChar=auto picking ; after a #-led line', ['-c', 'core.commentChar=auto', '-c', 'core.editor=true'], ['commit', '-q', '-e', '-m', '#12 Subject', '-m', '$ make']],
  ])('trailers land where git log finds them in a clean clone: %s', (_name, config, args) => {
    const repo = plannedRepo();
    made.push(repo);
    repo.write('src/app.txt', 'changed\n');
    testAndApprove(repo);
    const hash = repo.wf(['hash']).stdout.trim();
    expectCode(repo.git([...config, ...args]), 0);
    const clone = join(repo.dir, '..', `clone-${Math.random().toString(36).slice(2)}`);
    repo.gitOk(['clone', '-q', repo.dir, clone]);
    try {
      const found = repo.gitOk(['-C', clone, 'log', '-1', '--format=%(trailers:key=Review-Hash,valueonly)']);
      expect(found).toBe(hash);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('commit -v with core.commentChar=auto: the trailers stay above the scissors', () => {
    const repo = plannedRepo();
    made.push(repo);
    repo.write('src/app.txt', '# a line starting with the usual comment char\n');
    testAndApprove(repo);
    const hash = repo.wf(['hash']).stdout.trim();
    // A message whose first line starts with '#' makes git pick another comment character for its hints and scissors.
    expectCode(repo.git(['-c', 'core.commentChar=auto', '-c', 'core.editor=true', 'commit', '-q', '-v', '-e', '-m', '#1 Subject starting with a hash', '-m', 'Body.']), 0);
    expect(trailersOf(repo)).toBe(hash);
    expect(repo.gitOk(['log', '-1', '--format=%s'])).toBe('#1 Subject starting with a hash');
  });

  it('refuses what git would not read, or what no review backs: an empty message, a Review-Hash in the body, a hand-typed Review-Id', () => {
    const repo = plannedRepo();
    made.push(repo);
    repo.write('src/app.txt', 'changed\n');
    testAndApprove(repo);
    const hash = repo.wf(['hash']).stdout.trim();
    const empty = repo.git(['commit', '-q', '--allow-empty-message', '-m', '']);
    expectCode(empty, 1);
    expect(empty.stderr).toContain('the commit message is empty');
    const body = repo.git(['commit', '-q', '-m', 'Subject', '-m', `Review-Hash: ${hash}`, '-m', 'A closing paragraph.']);
    expectCode(body, 1);
    expect(body.stderr).toContain('where git does not read it as a trailer');
    const typed = repo.git(['commit', '-q', '-m', 'Subject', '-m', `Review-Hash: ${hash}\nReview-Id: gemini:${realId(7)}`]);
    expectCode(typed, 1);
    expect(typed.stderr).toContain('names no approval recorded for this change');
    expect(repo.git(['rev-parse', '-q', '--verify', 'HEAD~1']).code).not.toBe(0);
    expectCode(repo.git(['commit', '-q', '-m', 'Subject', '-m', `Review-Hash: ${hash}\nReview-Id: alice:${realId(1)}`]), 0);
  });

  it('typed trailers meet the same bar as written ones: enough distinct reviewers, each in the audit log', () => {
    const repo = plannedRepo();
    made.push(repo);
    patchConfig(repo, (c) => (c.review.minApprovals = 2));
    repo.write('src/app.txt', 'changed\n');
    testAndApprove(repo);
    const hash = repo.wf(['hash']).stdout.trim();
    const one = repo.git(['commit', '-q', '-m', 'Subject', '-m', `Review-Hash: ${hash}\nReview-Id: alice:${realId(1)}`]);
    expectCode(one, 1);
    expect(one.stderr).toContain('1 of 2 distinct approving reviewers');
    // The same reviewer cited twice is still one reviewer.
    expectCode(repo.git(['commit', '-q', '-m', 'Subject', '-m', `Review-Hash: ${hash}\nReview-Id: alice:${realId(1)}\nReview-Id: alice:${realId(1)}`]), 1);
    expectCode(repo.wf(['record-review', '--reviewer', 'bob', '--continuation-id', realId(3), '--status', 'approved']), 0);
    const cited = `Review-Hash: ${hash}\nReview-Id: alice:${realId(1)}\nReview-Id: bob:${realId(3)}`;
    rmSync(join(repo.dir, '.claude/workflow-audit.log'));
    const unlogged = repo.git(['commit', '-q', '-m', 'Subject', '-m', cited]);
    expectCode(unlogged, 1);
    expect(unlogged.stderr).toContain('the audit log holds no entry');
    expect(repo.git(['rev-parse', '-q', '--verify', 'HEAD~1']).code).not.toBe(0);
  });
});

describe('wf status --check', () => {
  it('exits 1 while a commit would be refused and 0 once it would pass, for scripts and agents', () => {
    const repo = plannedRepo();
    made.push(repo);
    repo.write('src/app.txt', 'changed\n');
    repo.gitOk(['add', '-A']);
    const refused = repo.wf(['status', '--check']);
    expectCode(refused, 1);
    expect(refused.stdout).toContain('a commit would be refused');
    expect(refused.stderr).toMatch(/next: |wf test/);
    expectCode(repo.wf(['status']), 0);
    testAndApprove(repo);
    expectCode(repo.wf(['status', '--check']), 0);
  });
});

describe('wf\'s own files never ride into a commit where they lose data', () => {
  it('the hooks and wf commit refuse a commit that carries the state file, or an audit log git ignores', () => {
    const repo = plannedRepo();
    made.push(repo);
    repo.write('src/app.txt', 'changed\n');
    testAndApprove(repo);
    repo.gitOk(['add', '-f', '.claude/task-state.json']);
    const plain = repo.git(['commit', '-q', '-m', 'with the state']);
    expectCode(plain, 1);
    expect(plain.stderr).toContain("which is this checkout's own");
    const viaWf = repo.wf(['commit', '-m', 'with the state']);
    expectCode(viaWf, 1);
    expect(viaWf.stderr).toContain('git rm --cached .claude/task-state.json');
    expect(repo.git(['rev-parse', '-q', '--verify', 'HEAD']).code).not.toBe(0);
    repo.gitOk(['rm', '-q', '--cached', '.claude/task-state.json']);
    repo.gitOk(['add', '-f', '.claude/workflow-audit.log']);
    const audit = repo.git(['commit', '-q', '-m', 'with the ignored log']);
    expectCode(audit, 1);
    expect(audit.stderr).toContain('while .gitignore ignores it');
    repo.gitOk(['rm', '-q', '--cached', '.claude/workflow-audit.log']);
    expectCode(repo.wf(['commit', '-m', 'the change alone']), 0);
  });
});

describe('the hooks check the audit log as wf commit does', () => {
  it('a plain git commit citing approvals the log does not hold (the log deleted) is refused, and nothing lands', () => {
    const repo = plannedRepo();
    made.push(repo);
    repo.write('src/app.txt', 'changed\n');
    testAndApprove(repo);
    rmSync(join(repo.dir, '.claude/workflow-audit.log'));
    const r = repo.git(['commit', '-q', '-m', 'with the log gone']);
    expectCode(r, 1);
    expect(r.stderr).toContain('the audit log holds no entry for the approval by alice');
    expect(repo.git(['rev-parse', '-q', '--verify', 'HEAD']).code).not.toBe(0);
  });

  it('a --no-verify commit with the trailer typed in is not recorded when the log lacks its approvals; with them logged it is', () => {
    const repo = plannedRepo();
    made.push(repo);
    repo.write('src/app.txt', 'changed\n');
    testAndApprove(repo);
    const hash = repo.wf(['hash']).stdout.trim();
    const log = repo.read('.claude/workflow-audit.log');
    rmSync(join(repo.dir, '.claude/workflow-audit.log'));
    expectCode(repo.git(['commit', '-q', '--no-verify', '-m', 'Subject', '-m', `Review-Hash: ${hash}\nReview-Id: alice:${realId(1)}`]), 0);
    expectCode(repo.wf(['status']), 0);
    expect(JSON.parse(repo.read('.claude/task-state.json')).tasks['T-1']).toMatchObject({ step: 'commit', commits: [] });
    // The log back (as wf wrote it): the same commit is now evidence, and it is recorded once.
    repo.write('.claude/workflow-audit.log', log);
    expectCode(repo.wf(['status']), 0);
    const task = JSON.parse(repo.read('.claude/task-state.json')).tasks['T-1'];
    expect(task.step).toBe('implement');
    expect(task.commits.map((c: { sha: string }) => c.sha)).toEqual([repo.gitOk(['rev-parse', 'HEAD'])]);
  });
});
