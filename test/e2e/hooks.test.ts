import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, realId, WF_BIN, type TestRepo } from '../helpers/repo.js';
import { expectCode, plannedRepo, testAndApprove } from '../helpers/workflow.js';

const HUSKY_BIN = new URL('../../node_modules/husky/bin.js', import.meta.url).pathname;
const repos: TestRepo[] = [];
const track = (r: TestRepo) => (repos.push(r), r);
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

const trailer = (repo: TestRepo, key: string, rev = 'HEAD') => repo.gitOk(['log', '-1', `--format=%(trailers:key=${key},valueonly)`, rev]).trim();
const commitHash = (repo: TestRepo, rev = 'HEAD') => repo.wf(['hash', '--commit', rev]).stdout.trim();

describe('git hooks on plain git commands', () => {
  it('plain git commit: the commit-msg hook appends trailers equal to what CI recomputes', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    const result = repo.git(['commit', '-m', 'plain commit']);
    expectCode(result, 0);
    expect(trailer(repo, 'Review-Hash')).toBe(commitHash(repo));
    expect(trailer(repo, 'Review-Id')).toBe(`alice:${realId(1)}`);
  });

  it("pre-commit hands its fingerprint to commit-msg for exactly this index and HEAD: commit-msg starts no git, and a change staged in between is judged afresh", () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    const msg = join(repo.dir, '..', 'message.txt');
    const commitMsg = (env: NodeJS.ProcessEnv = {}) => {
      repo.write('../message.txt', 'feat: handed over\n');
      return repo.wf(['hook', 'commit-msg', msg], { env });
    };
    // Without pre-commit's handoff, commit-msg computes the fingerprint itself.
    const computed = commitMsg();
    expectCode(computed, 0);
    const expected = readFileSync(msg, 'utf8');
    expect(expected).toMatch(/^Review-Hash: [0-9a-f]{64}$/m);

    expectCode(repo.wf(['hook', 'pre-commit']), 0);
    expect(existsSync(join(repo.dir, '.git/wf-staged-handoff.json'))).toBe(true);
    const trace = join(repo.dir, '..', 'git-trace.log');
    expectCode(commitMsg({ GIT_TRACE: trace }), 0);
    expect(readFileSync(msg, 'utf8')).toBe(expected);
    expect(existsSync(trace) ? readFileSync(trace, 'utf8') : '').not.toMatch(/built-in: git/);

    // Staged after pre-commit ran: the index is another file now, so the handoff is not used, and the
    // unreviewed code gets no trailer.
    repo.write('src/app.txt', 'staged after pre-commit\n');
    repo.gitOk(['add', '-A']);
    const refused = commitMsg();
    expectCode(refused, 1);
    expect(refused.stderr).toContain('no approved review of task T-1 matches the change being committed');

    // A handoff from before another commit (HEAD moved) is not used either.
    repo.write('src/app.txt', 'hello\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['hook', 'pre-commit']), 0);
    const handoff = readFileSync(join(repo.dir, '.git/wf-staged-handoff.json'), 'utf8');
    expectCode(repo.git(['commit', '-m', 'plain commit']), 0);
    repo.write('.git/wf-staged-handoff.json', handoff);
    repo.write('src/app.txt', 'next change, unreviewed\n');
    repo.gitOk(['add', '-A']);
    expectCode(commitMsg(), 1);
  });

  it('a direct git commit of unreviewed code is refused by pre-commit', () => {
    const repo = track(plannedRepo());
    repo.write('src/x.txt', 'x\n');
    repo.gitOk(['add', '-A']);
    const result = repo.git(['commit', '-m', 'sneak']);
    expectCode(result, 1);
    expect(result.stderr).toContain('commit refused for task T-1');
    expect(result.stderr).toContain('→ wf test --task-id T-1');
  });

  it('git commit -a is judged on its temporary index (GIT_INDEX_FILE)', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    expectCode(repo.wf(['commit', '-m', 'base']), 0);
    // Review exactly "edited", then unstage it and let commit -a restage it.
    repo.write('src/app.txt', 'edited\n');
    testAndApprove(repo, 'alice', 2);
    repo.gitOk(['reset', '-q']);
    expectCode(repo.git(['commit', '-a', '-m', 'via -a']), 0);
    expect(trailer(repo, 'Review-Hash')).toBe(commitHash(repo));
    // Now a reviewed index plus an unreviewed work-tree edit: -a would commit the edit, so it is refused.
    repo.write('src/app.txt', 'reviewed\n');
    testAndApprove(repo, 'alice', 3);
    repo.write('src/app.txt', 'reviewed plus an unreviewed edit\n');
    const refused = repo.git(['commit', '-a', '-m', 'sneaky -a']);
    expectCode(refused, 1);
    expect(refused.stderr).toContain('the code changed after it was reviewed: src/app.txt');
  });

  it('git commit <paths> is judged on exactly those paths', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    expectCode(repo.wf(['commit', '-m', 'base']), 0);
    repo.write('src/a.txt', 'a\n');
    repo.gitOk(['add', 'src/a.txt']);
    testAndApprove(repo, 'alice', 2);
    repo.write('src/b.txt', 'b, never reviewed\n');
    repo.gitOk(['add', 'src/b.txt']);
    expectCode(repo.git(['commit', '-m', 'only a', '--', 'src/a.txt']), 0);
    expect(repo.gitOk(['show', '--name-only', '--format=', 'HEAD'])).toBe('src/a.txt');
    expect(trailer(repo, 'Review-Hash')).toBe(commitHash(repo));
    const refused = repo.git(['commit', '-m', 'b too', '--', 'src/b.txt']);
    expectCode(refused, 1);
  });

  it('refuses a forged Review-Hash and a placeholder Review-Id in the message', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    const forged = repo.git(['commit', '-m', `forged\n\nReview-Hash: ${'a'.repeat(64)}`]);
    expectCode(forged, 1);
    expect(forged.stderr).toContain('does not match the change being committed');
    const placeholder = repo.git(['commit', '-m', 'ph\n\nReview-Id: alice:test-123']);
    expectCode(placeholder, 1);
    expect(placeholder.stderr).toContain('placeholder');
  });

  it('--amend: a reworded amend keeps a valid trailer; an amend that changes code or drops the trailer is refused', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    expectCode(repo.wf(['commit', '-m', 'original']), 0);
    const reviewed = trailer(repo, 'Review-Hash');
    expectCode(repo.git(['commit', '--amend', '--no-edit']), 0);
    expect(trailer(repo, 'Review-Hash')).toBe(reviewed);
    expect(commitHash(repo)).toBe(reviewed);
    const dropped = repo.git(['commit', '--amend', '-m', 'new message without trailers']);
    expectCode(dropped, 1);
    expect(dropped.stderr).toContain('git reset --soft HEAD~1');
    repo.write('src/app.txt', 'changed in an amend\n');
    repo.gitOk(['add', '-A']);
    const changed = repo.git(['commit', '--amend', '--no-edit']);
    expectCode(changed, 1);
    expect(changed.stderr).toContain('no longer matches');
    expect(commitHash(repo)).toBe(reviewed);
    // A forged amend: the right hash of the amended change, computed with wf hash and typed in.
    // The amended commit is a root commit here, so a commit of the same tree with no parent has its fingerprint.
    const twin = repo.gitOk(['commit-tree', repo.gitOk(['write-tree']), '-m', 'twin']);
    const forged = repo.wf(['hash', '--commit', twin]).stdout.trim();
    const typed = repo.git(['commit', '--amend', '-m', `original\n\nReview-Hash: ${forged}\nReview-Id: alice:${realId(5)}`]);
    expectCode(typed, 1);
    expect(typed.stderr).toContain('a Review-Hash that HEAD did not have');
    expect(commitHash(repo)).toBe(reviewed);
  });

  it('a clean merge passes without a trailer; a merge with an extra change needs a review', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    expectCode(repo.wf(['commit', '-m', 'base']), 0);
    repo.gitOk(['checkout', '-q', '-b', 'side']);
    repo.write('src/side.txt', 'side\n');
    testAndApprove(repo, 'alice', 2);
    expectCode(repo.wf(['commit', '-m', 'side work']), 0);
    repo.gitOk(['checkout', '-q', 'main']);
    repo.write('src/main.txt', 'main\n');
    testAndApprove(repo, 'alice', 3);
    expectCode(repo.wf(['commit', '-m', 'main work']), 0);
    expectCode(repo.git(['merge', '--no-ff', '-m', 'clean merge', 'side']), 0);
    expect(trailer(repo, 'Review-Hash')).toBe('');
    repo.gitOk(['reset', '-q', '--hard', 'HEAD~1']);
    expectCode(repo.git(['merge', '--no-ff', '--no-commit', 'side']), 0);
    repo.write('src/evil.txt', 'slipped into the merge\n');
    repo.gitOk(['add', '-A']);
    const evil = repo.git(['commit', '-m', 'evil merge']);
    expectCode(evil, 1);
    repo.gitOk(['merge', '--abort']);
    // git merge -s ours keeps main's tree: no code changes, so it has a way through, here and in wf verify.
    expectCode(repo.git(['merge', '--no-ff', '-s', 'ours', '-m', 'record side as merged', 'side']), 0);
    expect(repo.gitOk(['rev-parse', 'HEAD^{tree}'])).toBe(repo.gitOk(['rev-parse', 'HEAD~1^{tree}']));
    const verified = JSON.parse(repo.wf(['verify', '--base', 'HEAD~1', '--json']).stdout);
    expect(verified.commits.find((c: { subject: string }) => c.subject === 'record side as merged')).toMatchObject({ kind: 'clean-merge', status: 'pass' });
  });

  it('a MERGE_HEAD written by hand (naming HEAD or an ancestor) is no merge: the gates still apply', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    expectCode(repo.wf(['commit', '-m', 'base']), 0);
    repo.write('src/sneaky.txt', 'not reviewed\n');
    repo.gitOk(['add', '-A']);
    repo.write('.git/MERGE_HEAD', `${repo.gitOk(['rev-parse', 'HEAD'])}\n`);
    const forged = repo.git(['commit', '-m', 'looks like a merge']);
    expectCode(forged, 1);
    expect(forged.stderr).not.toContain('clean merge');
  });
});

describe('hooks install and uninstall', () => {
  it('keeps a foreign hook, still runs it, and restores it on uninstall', () => {
    const repo = track(makeRepo());
    repo.write('.git/hooks/pre-commit', '#!/bin/sh\necho foreign >> foreign-ran.txt\n');
    chmodSync(join(repo.dir, '.git/hooks/pre-commit'), 0o755);
    expectCode(repo.wf(['init', '--yes']), 0);
    expect(repo.read('.git/hooks/pre-commit.pre-wf')).toContain('foreign');
    repo.write('a.txt', 'a\n');
    repo.gitOk(['add', 'a.txt']);
    expectCode(repo.git(['commit', '-m', 'x']), 1);
    expect(existsSync(join(repo.dir, 'foreign-ran.txt'))).toBe(true);
    const out = repo.wf(['hooks', 'uninstall', '--json']);
    expectCode(out, 0);
    expect(JSON.parse(out.stdout).map((c: { action: string }) => c.action)).toEqual(['restored previous hook', 'removed']);
    expect(repo.read('.git/hooks/pre-commit')).toBe('#!/bin/sh\necho foreign >> foreign-ran.txt\n');
    expect(existsSync(join(repo.dir, '.git/hooks/commit-msg'))).toBe(false);
  });

  it('in a husky repository adds one marked line per hook, never touches core.hooksPath, and the gate runs through husky', () => {
    const repo = track(makeRepo());
    const husky = spawnSync(process.execPath, [HUSKY_BIN], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    expect(husky.status, husky.stderr).toBe(0);
    expect(repo.gitOk(['config', 'core.hooksPath'])).toBe('.husky/_');
    repo.write('.husky/pre-commit', 'echo husky-user-hook-ran >> husky-ran.txt\n');
    // husky puts node_modules/.bin on PATH for hooks; give the repo a local wf there.
    mkdirSync(join(repo.dir, 'node_modules/.bin'), { recursive: true });
    symlinkSync(WF_BIN, join(repo.dir, 'node_modules/.bin/wf'));
    repo.write('.gitignore', 'node_modules/\n');
    expectCode(repo.wf(['init', '--yes']), 0);
    expect(repo.read('.husky/pre-commit')).toBe('echo husky-user-hook-ran >> husky-ran.txt\nwf hook pre-commit # added by wf-gate (wf hooks uninstall removes it)\n');
    expect(repo.read('.husky/commit-msg')).toContain('wf hook commit-msg "$1"');
    expect(repo.gitOk(['config', 'core.hooksPath'])).toBe('.husky/_');
    expectCode(repo.wf(['hooks', 'install']), 0);
    expect(repo.read('.husky/pre-commit').match(/wf-gate/g)).toHaveLength(1);
    repo.write('a.txt', 'a\n');
    repo.gitOk(['add', '-A']);
    const refused = repo.git(['commit', '-m', 'through husky']);
    expectCode(refused, 1);
    expect(refused.stderr).toContain('no wf task exists');
    expect(repo.read('husky-ran.txt')).toContain('husky-user-hook-ran');
    expectCode(repo.wf(['hooks', 'uninstall']), 0);
    expect(repo.read('.husky/pre-commit')).toBe('echo husky-user-hook-ran >> husky-ran.txt\n');
  });

  it('installs into core.hooksPath and into the common hooks folder from a linked worktree', () => {
    const repo = track(makeRepo());
    repo.gitOk(['config', 'core.hooksPath', 'custom-hooks']);
    expectCode(repo.wf(['hooks', 'install']), 0);
    expect(readFileSync(join(repo.dir, 'custom-hooks/pre-commit'), 'utf8')).toContain('wf-gate managed hook');
    repo.gitOk(['config', '--unset', 'core.hooksPath']);
    repo.write('a.txt', 'a\n');
    repo.gitOk(['add', 'a.txt']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'base']);
    const wt = join(mkdtempSync(join(tmpdir(), 'wf-wt-')), 'wt');
    repo.gitOk(['worktree', 'add', '-q', wt]);
    expectCode(repo.wf(['hooks', 'install'], { cwd: wt }), 0);
    expect(existsSync(join(repo.dir, '.git/hooks/pre-commit'))).toBe(true);
  });
});

describe('the hook fast path', () => {
  it('loads no oclif, zod, execa, inquirer, chalk or proper-lockfile', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    const trace = join(repo.dir, '..', 'trace.txt');
    const tracer = new URL('../helpers/trace-imports.mjs', import.meta.url).pathname;
    for (const hook of [['pre-commit'], ['commit-msg', join(repo.dir, 'msg.txt')]]) {
      repo.write('msg.txt', 'message\n');
      const r = spawnSync(process.execPath, ['--import', tracer, WF_BIN, 'hook', ...hook], { cwd: repo.dir, env: { ...repo.env, WF_TRACE_FILE: trace }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    expect(loaded.some((u) => u.includes('/dist/fast/pre-commit.cjs'))).toBe(true);
    expect(loaded.some((u) => u.includes('/dist/fast/commit-msg.cjs'))).toBe(true);
    expect(loaded.filter((u) => u.includes('node_modules'))).toEqual([]);
    expect(loaded.filter((u) => /oclif|zod|execa|inquirer|chalk|lockfile|cli\/run-cli/.test(u))).toEqual([]);
  });
});
