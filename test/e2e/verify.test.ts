import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, realId, type TestRepo } from '../helpers/repo.js';
import { expectCode, patchConfig, plannedRepo, testAndApprove } from '../helpers/workflow.js';

let counter = 10;
/** One commit made the proper way: stage, wf test, approve, wf commit. */
function reviewedCommit(repo: TestRepo, files: Record<string, string>, message: string): string {
  for (const [path, content] of Object.entries(files)) repo.write(path, content);
  testAndApprove(repo, 'alice', counter++);
  expectCode(repo.wf(['commit', '-m', message]), 0);
  return repo.gitOk(['rev-parse', 'HEAD']);
}

const verify = (repo: TestRepo, args: string[], env?: NodeJS.ProcessEnv) => repo.wf(['verify', ...args], { env });
const report = (repo: TestRepo, args: string[]) => JSON.parse(verify(repo, [...args, '--json']).stdout);

describe('wf verify', () => {
  let repo: TestRepo;
  let base: string;

  beforeAll(() => {
    repo = plannedRepo();
    base = reviewedCommit(repo, { 'src/base.txt': 'base\n' }, 'base');
    repo.gitOk(['branch', 'base-point']);
  });
  afterAll(() => repo.cleanup());

  const branchFrom = (name: string) => {
    repo.gitOk(['checkout', '-q', '-B', name, base]);
  };

  it('a clean range of wf-made commits passes, including renames, binaries, deletions, mode changes and symlinks', () => {
    branchFrom('clean');
    reviewedCommit(repo, { 'src/one.txt': 'one\n', 'bin/blob.bin': Buffer.from([0, 1, 2, 255, 0, 10]).toString('latin1') }, 'add files');
    repo.gitOk(['mv', 'src/one.txt', 'src/renamed.txt']);
    repo.gitOk(['rm', '-q', 'src/base.txt']);
    chmodSync(join(repo.dir, 'test.mjs'), 0o755);
    reviewedCommit(repo, { 'link-target.txt': 'x\n' }, 'rename, delete, chmod');
    const result = verify(repo, ['--base', 'base-point']);
    expectCode(result, 0);
    expect(result.stdout).toContain('wf verify: OK: 2 of 2 commits pass');
  });

  it('names a commit made with --no-verify and exits 1', () => {
    branchFrom('no-verify');
    reviewedCommit(repo, { 'src/a.txt': 'a\n' }, 'good one');
    repo.write('src/b.txt', 'b\n');
    repo.gitOk(['add', '-A']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'skipped the hooks']);
    const bad = repo.gitOk(['rev-parse', '--short=12', 'HEAD']);
    const result = verify(repo, ['--base', 'base-point']);
    expectCode(result, 1);
    expect(result.stdout).toContain(`✗ ${bad} skipped the hooks: no Review-Hash trailer`);
    expect(result.stdout).toContain('1 of 2 commits pass');
  });

  it('fails a forged trailer (right format, wrong hash) and a commit amended after its trailer was written', () => {
    branchFrom('forged');
    repo.write('src/f.txt', 'f\n');
    repo.gitOk(['add', '-A']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', `forged\n\nReview-Hash: ${'ab'.repeat(32)}\nReview-Id: alice:${realId(1)}`]);
    let r = report(repo, ['--base', 'base-point']);
    expect(r.commits[0]).toMatchObject({ status: 'fail', foundHash: 'ab'.repeat(32) });
    expect(r.commits[0].reasons[0]).toContain('does not match the commit');
    branchFrom('amended');
    reviewedCommit(repo, { 'src/g.txt': 'g\n' }, 'reviewed then amended');
    repo.write('src/g.txt', 'g plus an unreviewed edit\n');
    repo.gitOk(['add', '-A']);
    repo.gitOk(['commit', '-q', '--amend', '--no-edit', '--no-verify']);
    r = report(repo, ['--base', 'base-point']);
    expect(r.ok).toBe(false);
    expect(r.commits[0].expectedHash).not.toBe(r.commits[0].foundHash);
  });

  it('fails a placeholder Review-Id even when the hash is right (git commit-tree)', () => {
    branchFrom('placeholder');
    repo.write('src/p.txt', 'p\n');
    repo.gitOk(['add', '-A']);
    const fingerprint = repo.wf(['hash']).stdout.trim();
    const tree = repo.gitOk(['write-tree']);
    const sha = repo.gitOk(['commit-tree', tree, '-p', base, '-m', `via commit-tree\n\nReview-Hash: ${fingerprint}\nReview-Id: alice:test-123`]);
    repo.gitOk(['reset', '-q', '--soft', sha]);
    const r = report(repo, ['--base', 'base-point']);
    expect(r.commits[0].expectedHash).toBe(fingerprint);
    expect(r.commits[0].reasons.join(' ')).toContain('placeholder continuation id');
  });

  it('passes a clean merge without a trailer and fails a merge that slips in a change', () => {
    branchFrom('side');
    reviewedCommit(repo, { 'src/side.txt': 'side\n' }, 'side work');
    branchFrom('merge-target');
    reviewedCommit(repo, { 'src/main.txt': 'main\n' }, 'main work');
    repo.gitOk(['merge', '-q', '--no-ff', '--no-verify', '-m', 'clean merge', 'side']);
    let r = report(repo, ['--base', 'base-point']);
    expect(r.commits.map((c: { kind: string; status: string }) => `${c.kind}:${c.status}`)).toEqual(['commit:pass', 'commit:pass', 'clean-merge:pass']);
    repo.gitOk(['reset', '-q', '--hard', 'HEAD~1']);
    repo.gitOk(['merge', '-q', '--no-ff', '--no-commit', 'side']);
    repo.write('src/evil.txt', 'evil\n');
    repo.gitOk(['add', '-A']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'evil merge']);
    r = report(repo, ['--base', 'base-point']);
    expect(r.commits.at(-1)).toMatchObject({ kind: 'merge', status: 'fail' });
  });

  it('judges minApprovals by the base config: a branch lowering it to one still needs two', () => {
    branchFrom('raise-bar');
    patchConfig(repo, (c) => (c.review.minApprovals = 2));
    repo.gitOk(['add', '-A']);
    testAndApprove(repo, 'alice', counter++);
    expectCode(repo.wf(['record-review', '--reviewer', 'bob', '--continuation-id', realId(counter++), '--status', 'approved']), 0);
    expectCode(repo.wf(['commit', '-m', 'require two reviewers']), 0);
    repo.gitOk(['branch', '-f', 'two-reviewer-base']);
    patchConfig(repo, (c) => (c.review.minApprovals = 1));
    repo.write('src/lower.txt', 'lower the bar\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    const aliceId = realId(counter++);
    expectCode(repo.wf(['record-review', '--reviewer', 'alice', '--continuation-id', aliceId, '--status', 'approved']), 0);
    // Locally the committed config is a floor, so wf refuses; a branch that lowers the bar gets its commit past the hooks.
    const local = repo.wf(['commit', '-m', 'lower it back to one']);
    expectCode(local, 1);
    expect(local.stderr).toContain('1 of 2 distinct approving reviewers');
    const hash = repo.wf(['hash']).stdout.trim();
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'lower it back to one', '--trailer', `Review-Hash: ${hash}`, '--trailer', `Review-Id: alice:${aliceId}`]);
    const r = report(repo, ['--base', 'two-reviewer-base']);
    expect(r.minApprovals).toBe(2);
    expect(r.commits[0].status).toBe('fail');
    expect(r.commits[0].reasons).toContain('1 distinct approving reviewer, the base branch requires 2');
  });

  it('with review.allowManual false on the base, only the base\'s configured reviewers may approve', () => {
    branchFrom('reviewers-only');
    patchConfig(repo, (c) => {
      c.review.allowManual = false;
      c.reviewers = { gemini: { command: ['gemini'], continuationId: { jsonPath: 'session_id' } } };
    });
    // Made around the hooks like the commits below: the test is about what CI accepts, not how they were made.
    const commitAround = (file: string | null, reviewer: string, subject = `by ${reviewer}`) => {
      if (file) repo.write(file, `${file}\n`);
      repo.gitOk(['add', '-A']);
      const hash = repo.wf(['hash']).stdout.trim();
      repo.gitOk(['commit', '-q', '--no-verify', '-m', subject, '--trailer', `Review-Hash: ${hash}`, '--trailer', `Review-Id: ${reviewer}:${realId(counter++)}`]);
    };
    commitAround(null, 'alice', 'only gemini reviews from now on');
    repo.gitOk(['branch', '-f', 'reviewers-base']);
    commitAround('src/by-alice.txt', 'alice');
    commitAround('src/by-gemini.txt', 'gemini');
    const r = report(repo, ['--base', 'reviewers-base']);
    expect(r.commits.map((c: { subject: string; status: string }) => [c.subject, c.status])).toEqual([
      ['by alice', 'fail'],
      ['by gemini', 'pass'],
    ]);
    expect(r.commits[0].reasons.join('\n')).toContain('names alice, which is not a reviewer of the base\'s config');
  });

  it('--json is complete', () => {
    branchFrom('json');
    reviewedCommit(repo, { 'src/j.txt': 'j\n' }, 'json commit');
    const r = report(repo, ['--base', 'base-point']);
    expect(r).toMatchObject({ ok: true, base, mode: 'strict', minApprovals: 1, attestationRequired: false, attestorProblems: [], summary: { total: 1, passed: 1, failed: 0 }, audit: { tracked: false, ok: true } });
    expect(r.commits[0]).toEqual({
      commit: repo.gitOk(['rev-parse', 'HEAD']),
      subject: 'json commit',
      kind: 'commit',
      status: 'pass',
      expectedHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      foundHash: r.commits[0].expectedHash,
      reviewers: ['alice'],
      attestedBy: null,
      reasons: [],
      fix: null,
    });
  });

  it('in GitHub Actions takes the base from the event and writes annotations and a step summary', () => {
    branchFrom('gha');
    repo.write('src/gha.txt', 'x\n');
    repo.gitOk(['add', '-A']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'unreviewed in a PR']);
    const dir = mkdtempSync(join(tmpdir(), 'wf-gha-'));
    const event = join(dir, 'event.json');
    const summary = join(dir, 'summary.md');
    writeFileSync(event, JSON.stringify({ pull_request: { base: { sha: base } } }));
    writeFileSync(summary, '');
    const result = verify(repo, [], { GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: event, GITHUB_BASE_REF: 'main', GITHUB_STEP_SUMMARY: summary });
    expectCode(result, 1);
    expect(result.stdout).toMatch(/^::error title=wf verify: [0-9a-f]{12}::unreviewed in a PR: no Review-Hash trailer/m);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('| commit | subject | kind | result | reasons |');
    expect(md).toContain('unreviewed in a PR');
  });

  it('without a base outside CI it is a usage error; an unknown base is exit 2', () => {
    expectCode(verify(repo, []), 2);
    expectCode(verify(repo, ['--base', 'no-such-branch']), 2);
  });

  it('in GitHub Actions, a check that cannot run at all (exit 2) still leaves an annotation and a step-summary line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-gha-'));
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const r = verify(repo, ['--base', 'no-such-branch'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expectCode(r, 2);
    expect(r.stdout).toMatch(/^::error title=wf verify: could not run::unknown base revision/m);
    expect(readFileSync(summary, 'utf8')).toMatch(/### wf verify: ❌ could not run/);
  });

  // Tracking wf's state in git makes a branch switch delete it, so the tests that do so run last.
  it('fails a commit that tracks wf\'s state (git pull would replace other checkouts\' tasks); taking it out again passes', () => {
    branchFrom('state-only');
    repo.gitOk(['add', '-f', '.claude/task-state.json']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'track the state']);
    const r = report(repo, ['--base', 'base-point']);
    expect(r.commits[0]).toMatchObject({ kind: 'tool-state-only', status: 'fail' });
    expect(r.commits[0].reasons.join(' ')).toContain("which is each checkout's own");
    expect(r.commits[0].fix).toContain('git rm --cached .claude/task-state.json');
    repo.gitOk(['branch', '-f', 'state-tracked']);
    repo.gitOk(['rm', '-q', '--cached', '.claude/task-state.json']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'untrack the state']);
    expect(report(repo, ['--base', 'state-tracked']).commits[0]).toMatchObject({ kind: 'tool-state-only', status: 'pass' });
  });

  it('checks a tracked audit log: it must verify and only grow', () => {
    branchFrom('audit');
    repo.gitOk(['add', '-f', '.claude/workflow-audit.log']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'track the audit log']);
    repo.gitOk(['branch', '-f', 'audit-base']);
    const log = repo.read('.claude/workflow-audit.log').split('\n');
    repo.write('.claude/workflow-audit.log', log.slice(1).join('\n'));
    repo.gitOk(['add', '-f', '.claude/workflow-audit.log']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'drop the first entry']);
    const r = report(repo, ['--base', 'audit-base']);
    expect(r.commits[0].status).toBe('pass');
    expect(r.audit.tracked).toBe(true);
    expect(r.audit.ok).toBe(false);
    expect(r.audit.reasons.join(' ')).toContain('does not extend the base');
    expect(r.ok).toBe(false);
  });

  it('a root commit in the range is fingerprinted against the empty tree', () => {
    repo.gitOk(['checkout', '-q', '--orphan', 'orphan']);
    repo.gitOk(['rm', '-rq', '--cached', '.']);
    repo.gitOk(['clean', '-fdq', '-e', '.claude']);
    repo.write('root.txt', 'root\n');
    repo.gitOk(['add', 'root.txt']);
    const fingerprint = repo.wf(['hash']).stdout.trim();
    repo.gitOk(['commit', '-q', '--no-verify', '-m', `root\n\nReview-Hash: ${fingerprint}\nReview-Id: alice:${realId(99)}`]);
    const r = report(repo, ['--base', 'base-point']);
    expect(r.commits).toHaveLength(1);
    expect(r.commits[0]).toMatchObject({ status: 'pass', expectedHash: fingerprint });
  });
});

describe('wf verify in a shallow clone', () => {
  it('exits 3 and says to fetch full history when the base is missing', () => {
    const origin = makeRepo();
    try {
      for (const n of [1, 2, 3]) {
        origin.write(`f${n}.txt`, `${n}\n`);
        origin.gitOk(['add', '-A']);
        origin.gitOk(['commit', '-q', '--no-verify', '-m', `c${n}`]);
      }
      const first = origin.gitOk(['rev-list', '--max-parents=0', 'HEAD']);
      const clone = join(origin.dir, '..', 'clone');
      origin.gitOk(['clone', '-q', '--depth', '1', `file://${origin.dir}`, clone]);
      const result = origin.wf(['verify', '--base', first], { cwd: clone });
      expectCode(result, 3);
      expect(result.stderr).toContain('fetch-depth: 0');
    } finally {
      origin.cleanup();
    }
  });
});

describe('wf init --ci', () => {
  it('copies the GitHub or GitLab template once', () => {
    const repo = makeRepo();
    try {
      expectCode(repo.wf(['init', '--yes', '--ci', 'github']), 0);
      expect(repo.read('.github/workflows/wf-verify.yml')).toContain('fetch-depth: 0');
      const gitlab = repo.wf(['init', '--yes', '--ci', 'gitlab']);
      expectCode(gitlab, 0);
      expect(gitlab.stdout).toContain('  include:\n    - local: .gitlab/wf-verify.gitlab-ci.yml');
      expect(repo.read('.github/workflows/wf-review.yml')).toContain('pull_request_target');
      expect(repo.read('.gitlab/wf-verify.gitlab-ci.yml')).toContain('CI_MERGE_REQUEST_DIFF_BASE_SHA');
      expect(repo.wf(['init', '--yes', '--ci', 'github']).stdout).toContain('nothing to change');
    } finally {
      repo.cleanup();
    }
  });
});
