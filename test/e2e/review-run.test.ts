import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, REAL_PLAN, realId, WF_BIN, type TestRepo } from '../helpers/repo.js';
import { expectCode, patchConfig, plannedRepo } from '../helpers/workflow.js';

const repos: TestRepo[] = [];
const track = (r: TestRepo) => (repos.push(r), r);
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

/**
 * One fake reviewer, its behaviour picked by the first argument. It records
 * its argv and the packet it received under .rev/ so tests can read them,
 * and prints JSON the way CLI reviewers do: a session id and the review text.
 */
const REVIEWER = String.raw`
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const [mode, ...rest] = process.argv.slice(2);
mkdirSync('.rev', { recursive: true });
const packetFile = rest.map((a) => a.replace(/^--packet=/, '')).find((a) => a.endsWith('review-packet.md'));
const packet = packetFile ? readFileSync(packetFile, 'utf8') : readFileSync(0, 'utf8');
writeFileSync('.rev/argv-' + mode + '.json', JSON.stringify(process.argv.slice(2)));
writeFileSync('.rev/packet-' + mode + '.md', packet);
appendFileSync('.rev/runs.log', mode + '\n');
// Built at run time so no token-shaped literal sits in the test sources.
const token = ['gh', 'p_'].join('') + 'Zq8Xw2Lk'.repeat(5);
const answer = (verdict, text, id = randomUUID()) => console.log(JSON.stringify({ session_id: id, response: text + '\nVERDICT: ' + verdict }));
switch (mode) {
  case 'approve':
    answer('APPROVED', 'The change matches the plan.');
    break;
  case 'approve-lower':
    answer('approve', 'Fine by me.');
    break;
  case 'revise':
    answer('NEEDS_REVISION', 'src/app.txt: the greeting lacks punctuation.');
    break;
  case 'hang':
    setTimeout(() => answer('APPROVED', 'too late'), 60_000);
    break;
  case 'garbage':
    console.log('I had a look and it seems mostly fine, I guess?');
    break;
  case 'crash':
    for (let i = 1; i <= 30; i++) console.error('crash detail ' + String(i).padStart(2, '0'));
    process.exit(3);
  case 'leak':
    console.error('debug: using ' + token);
    answer('APPROVED', 'Approved. By the way the CI token is ' + token + ' and password=Hunter2Hunter2!');
    break;
  case 'leak-crash':
    console.error('auth failed for ' + token);
    process.exit(1);
  case 'placeholder':
    answer('APPROVED', 'ok', 'test-123');
    break;
  case 'move':
    writeFileSync('src/app.txt', 'edited by the reviewer\n');
    execFileSync('git', ['add', 'src/app.txt']);
    answer('APPROVED', 'Approved (after quietly changing the code).');
    break;
  case 'edit-plan':
    appendFileSync('.claude/subtasks/P-1/plan.md', '\nEdited while the reviewer ran.\n');
    answer('APPROVED', 'Approved the plan.');
    break;
  case 'jsonl':
    console.log(JSON.stringify({ type: 'init', session_id: randomUUID() }));
    console.log('some progress text');
    console.log(JSON.stringify({ type: 'result', result: 'Good.\nVERDICT: APPROVED' }));
    break;
  default:
    console.error('unknown mode ' + mode);
    process.exit(9);
}
`;

type Reviewer = Record<string, unknown>;
const reviewer = (mode: string, extra: Reviewer = {}): Reviewer => ({
  command: ['node', 'reviewer.mjs', mode],
  continuationId: { jsonPath: 'session_id' },
  timeoutSeconds: 30,
  ...extra,
});

function addReviewerScript(repo: TestRepo): void {
  repo.write('reviewer.mjs', REVIEWER);
  // Kept out of `git add -A`: the reviewer and what it writes are not part of the change under review.
  appendFileSync(join(repo.dir, '.git', 'info', 'exclude'), 'reviewer.mjs\n.rev/\n');
}

/** plannedRepo with reviewers configured and a tested, staged change: ready for `wf review run`. */
function stagedRepo(reviewers: Record<string, Reviewer>, patch?: (c: Record<string, any>) => void): TestRepo {
  const repo = track(plannedRepo());
  addReviewerScript(repo);
  patchConfig(repo, (c) => {
    c.reviewers = reviewers;
    patch?.(c);
  });
  repo.write('src/app.txt', 'hello from the change\n');
  repo.gitOk(['add', '-A']);
  expectCode(repo.wf(['test']), 0);
  return repo;
}

/** A fresh repository with reviewers configured and task `id` at plan-review, its plan registered: ready for `wf review run`. */
function registeredPlanRepo(id: string, patch: (c: Record<string, any>) => void): { repo: TestRepo; planned: { stdout: string; stderr: string; code: number } } {
  const repo = track(makeRepo());
  repo.write('test.mjs', "console.log('ok');\n");
  expectCode(repo.wf(['init', '--yes']), 0);
  addReviewerScript(repo);
  patchConfig(repo, (c) => {
    c.test.command = ['node', 'test.mjs'];
    patch(c);
  });
  expectCode(repo.wf(['task', 'start', id, '--title', 'Plan first']), 0);
  repo.wf(['plan']);
  repo.write(`.claude/subtasks/${id}/plan.md`, REAL_PLAN);
  const planned = repo.wf(['plan']);
  expectCode(planned, 0);
  return { repo, planned };
}

const state = (repo: TestRepo) => JSON.parse(repo.read('.claude/task-state.json'));
const reviews = (repo: TestRepo) => state(repo).tasks['T-1'].reviews as Array<Record<string, string>>;
const snapshot = (repo: TestRepo) => [repo.read('.claude/task-state.json'), repo.read('.claude/workflow-audit.log')];
const output = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`;
const fakeToken = () => ['gh', 'p_'].join('') + 'Zq8Xw2Lk'.repeat(5);

describe('wf review run: verdicts come from the reviewer', () => {
  it('records an approval with the session id the reviewer printed, bound to the staged fingerprint', () => {
    const repo = stagedRepo({ gemini: reviewer('approve') });
    const fingerprint = repo.wf(['hash']).stdout.trim();
    const result = repo.wf(['review', 'run']);
    expectCode(result, 0);
    expect(result.stdout).toContain('gemini: APPROVED');
    expect(result.stdout).toContain('wf commit');
    const [review] = reviews(repo).filter((r) => r.step === 'review');
    expect(review).toMatchObject({ reviewer: 'gemini', status: 'approved', fingerprint, via: 'run' });
    expect(review!.continuationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(review!.notes).toContain('The change matches the plan.');
    expect(state(repo).tasks['T-1'].step).toBe('commit');
    expectCode(repo.wf(['audit', 'verify']), 0);
    expectCode(repo.wf(['commit', '-m', 'Reviewed by a reviewer wf ran']), 0);
    expect(repo.gitOk(['log', '-1', '--format=%(trailers:key=Review-Id,valueonly)'])).toBe(`gemini:${review!.continuationId}`);
  });

  it('sends a packet with the diff, the plan and the fingerprint', () => {
    const repo = stagedRepo({ gemini: reviewer('approve') });
    repo.write('src/settings.txt', 'region = eu-west-1\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    const fingerprint = repo.wf(['hash']).stdout.trim();
    expectCode(repo.wf(['review', 'run', '--json']), 0);
    const packet = repo.read('.rev/packet-approve.md');
    expect(packet).toContain('+hello from the change');
    expect(packet).toContain('+region = eu-west-1');
    expect(packet).toContain('Add a small feature with a test');
    expect(packet).toContain(`Fingerprint: ${fingerprint}`);
    expect(packet).toContain('Task: T-1 — A test task');
    expect(packet).toContain('VERDICT: APPROVED');
    expect(packet).toContain('VERDICT: NEEDS_REVISION');
    expect(packet).not.toContain('a/.claude/task-state.json');
  });

  it('a secret planted in the change is never hidden from the reviewer: the review is refused as a finding until it is gone or allowed in the committed config', () => {
    const repo = stagedRepo({ gemini: reviewer('approve') });
    repo.write('src/settings.txt', `deploy_key = ${fakeToken()}\nregion = eu-west-1\n`);
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    const refused = repo.wf(['review', 'run']);
    expectCode(refused, 1);
    expect(refused.stderr).toMatch(/src\/settings\.txt:1: .*\(sha256:[0-9a-f]{64}\)/);
    expect(refused.stderr).toContain('secrets.allow');
    expect(refused.stderr).not.toContain(fakeToken());
    expect(existsSync(join(repo.dir, '.rev/packet-approve.md'))).toBe(false);
    const digest = /\((sha256:[0-9a-f]{64})\)/.exec(refused.stderr)![1]!;
    // A committed config without the entry, then the entry uncommitted: it does not count, or the change
    // under review could approve its own secret.
    repo.gitOk(['reset', '-q']);
    repo.gitOk(['add', '.claude/wf.config.json']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'config']);
    patchConfig(repo, (c) => {
      c.secrets = { allow: [digest] };
    });
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    expectCode(repo.wf(['review', 'run']), 1);
    repo.gitOk(['reset', '-q']);
    repo.gitOk(['add', '.claude/wf.config.json']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'allow a test fixture']);
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    expectCode(repo.wf(['review', 'run']), 0);
    expect(repo.read('.rev/packet-approve.md')).toContain(fakeToken());
  });

  it('records needs-revision (exit 0, said clearly), sends the code back, and shows the findings to the next review', () => {
    const repo = stagedRepo({ gemini: reviewer('revise') });
    const result = repo.wf(['review', 'run']);
    expectCode(result, 0);
    expect(result.stdout).toContain('NEEDS REVISION');
    expect(result.stdout).toContain('the greeting lacks punctuation');
    expect(state(repo).tasks['T-1'].step).toBe('implement');
    expect(reviews(repo).at(-1)).toMatchObject({
      reviewer: 'gemini',
      status: 'needs-revision',
      step: 'review',
      notes: 'src/app.txt: the greeting lacks punctuation.\nVERDICT: NEEDS_REVISION',
    });
    // The next round's packet carries these findings.
    patchConfig(repo, (c) => (c.reviewers = { gemini: reviewer('approve') }));
    repo.write('src/app.txt', 'hello from the change!\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    expectCode(repo.wf(['review', 'run']), 0);
    const packet = repo.read('.rev/packet-approve.md');
    expect(packet).toContain('Findings of the previous review (gemini, needs-revision');
    expect(packet).toContain('the greeting lacks punctuation');
    expect(state(repo).tasks['T-1'].step).toBe('commit');
  });

  it('accepts verdict words in any case and JSON Lines output', () => {
    const repo = stagedRepo({
      lower: reviewer('approve-lower'),
      streamer: reviewer('jsonl', { verdict: { jsonPath: 'result', regex: 'VERDICT:\\s*(\\w+)' } }),
    }, (c) => (c.review.minApprovals = 2));
    expectCode(repo.wf(['review', 'run']), 0);
    expect(reviews(repo).filter((r) => r.step === 'review').map((r) => [r.reviewer, r.status])).toEqual([
      ['lower', 'approved'],
      ['streamer', 'approved'],
    ]);
    expect(reviews(repo).at(-1)!.notes).toBe('Good.\nVERDICT: APPROVED');
  });
});

describe('wf review run: nothing is recorded without a real verdict', () => {
  it('a hanging reviewer is killed at its timeout: exit 1, nothing recorded', () => {
    const repo = stagedRepo({ slow: reviewer('hang', { timeoutSeconds: 1 }) });
    const before = snapshot(repo);
    const started = Date.now();
    const result = repo.wf(['review', 'run']);
    expectCode(result, 1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.stderr).toContain('reviewer slow timed out after 1 s; nothing was recorded');
    expect(snapshot(repo)).toEqual(before);
  });

  it('garbage output gives no verdict: exit 1, nothing recorded, the output tail is shown', () => {
    const repo = stagedRepo({ chatty: reviewer('garbage') });
    const before = snapshot(repo);
    const result = repo.wf(['review', 'run']);
    expectCode(result, 1);
    expect(result.stderr).toContain('reviewer chatty printed no verdict');
    expect(result.stderr).toContain('it seems mostly fine');
    expect(snapshot(repo)).toEqual(before);
  });

  it('a placeholder session id is refused: exit 1, nothing recorded', () => {
    const repo = stagedRepo({ sloppy: reviewer('placeholder') });
    const before = snapshot(repo);
    const result = repo.wf(['review', 'run']);
    expectCode(result, 1);
    expect(result.stderr).toContain('placeholder continuation id "test-123"');
    expect(snapshot(repo)).toEqual(before);
  });

  it('a crashing reviewer shows the last 20 lines of its stderr; the other reviewer is still run and recorded', () => {
    const repo = stagedRepo({ crashy: reviewer('crash'), gemini: reviewer('approve') });
    const result = repo.wf(['review', 'run']);
    expectCode(result, 1);
    expect(result.stderr).toContain('reviewer crashy exited with code 3; nothing was recorded');
    expect(result.stderr).toContain('crash detail 30');
    expect(result.stderr).toContain('crash detail 11');
    expect(result.stderr).not.toContain('crash detail 10');
    expect(result.stdout).toContain('gemini: APPROVED');
    expect(reviews(repo).filter((r) => r.step === 'review').map((r) => r.reviewer)).toEqual(['gemini']);
  });

  it('a reviewer command that does not exist is an environment error (exit 3)', () => {
    const repo = stagedRepo({ ghost: { command: ['wf-no-such-reviewer-binary'], continuationId: { jsonPath: 'session_id' } } });
    const result = repo.wf(['review', 'run']);
    expectCode(result, 3);
    expect(result.stderr).toContain('could not be started');
  });

  it('a staged change that moves while the reviewer runs: exit 1, nothing recorded', () => {
    const repo = stagedRepo({ meddler: reviewer('move') });
    const before = snapshot(repo);
    const result = repo.wf(['review', 'run']);
    expectCode(result, 1);
    expect(result.stderr).toContain('the staged change moved while reviewer meddler ran');
    expect(snapshot(repo)).toEqual(before);
    expect(repo.gitOk(['diff', '--cached', '--name-only'])).toContain('src/app.txt');
  });
});

describe('wf review run: reviewers that misbehave in other ways', () => {
  it('a timeout ends the helpers a reviewer started too (its process group), not only the reviewer', () => {
    const repo = stagedRepo({ forker: { command: ['sh', '-c', 'sleep 30 & sleep 30'], continuationId: { jsonPath: 'session_id' }, timeoutSeconds: 1 } });
    const started = Date.now();
    const result = repo.wf(['review', 'run']);
    expectCode(result, 1);
    expect(result.stderr).toContain('reviewer forker timed out after 1 s');
    // The background sleep holds stdout open: without the group kill wf would wait the full 30 s.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('Ctrl-C while a reviewer runs: the reviewer is stopped, nothing is recorded, and the packet file is removed', async () => {
    const repo = stagedRepo({ slow: reviewer('hang', { prompt: 'file' }), next: reviewer('approve') });
    const temp = join(repo.dir, '..', 'tmp');
    mkdirSync(temp);
    const before = snapshot(repo);
    const child = spawn(process.execPath, [WF_BIN, 'review', 'run'], { cwd: repo.dir, env: { ...repo.env, TMPDIR: temp } });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => (stdout += c));
    // The fake reviewer writes runs.log as soon as it has read the packet.
    for (let waited = 0; !existsSync(join(repo.dir, '.rev', 'runs.log')); waited += 50) {
      if (waited > 20_000) throw new Error(`the reviewer never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const started = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stderr).toContain('reviewer slow was interrupted; nothing was recorded');
    expect(stdout).toContain('next: not run: the run was interrupted');
    expect(snapshot(repo)).toEqual(before);
    expect(readdirSync(temp)).toEqual([]);
    expect(repo.read('.rev/runs.log')).toBe('hang\n');
  });

  it('a plan that changes while the reviewer reads it: exit 1, nothing recorded, and the hint re-registers the plan', () => {
    const { repo } = registeredPlanRepo('P-1', (c) => (c.reviewers = { editor: reviewer('edit-plan') }));
    const before = snapshot(repo);
    const result = repo.wf(['review', 'run']);
    expectCode(result, 1);
    expect(result.stderr).toContain('the plan moved while reviewer editor ran');
    expect(result.stderr).toContain('wf plan --task-id P-1 && wf review run --step plan-review');
    expect(snapshot(repo)).toEqual(before);
  });
});

describe('wf review run: secrets', () => {
  it("redacts a token the reviewer prints from the state, the audit log and wf's output", () => {
    const repo = stagedRepo({ leaky: reviewer('leak') });
    const result = repo.wf(['review', 'run']);
    expectCode(result, 0);
    const token = fakeToken();
    expect(repo.read('.claude/task-state.json')).not.toContain(token);
    expect(repo.read('.claude/workflow-audit.log')).not.toContain(token);
    expect(repo.read('.claude/workflow-audit.log')).not.toContain('Hunter2Hunter2');
    expect(output(result)).not.toContain(token);
    expect(reviews(repo).at(-1)!.notes).toContain('[REDACTED:github-token]');
  });

  it('redacts a token in the stderr tail of a failed reviewer', () => {
    const repo = stagedRepo({ leaky: reviewer('leak-crash') });
    const result = repo.wf(['review', 'run']);
    expectCode(result, 1);
    expect(result.stderr).toContain('auth failed for [REDACTED:github-token]');
    expect(output(result)).not.toContain(fakeToken());
  });
});

describe('wf review run: reviewers, steps and sessions', () => {
  it('two reviewers with review.minApprovals 2 lead to a commit with two Review-Id trailers', () => {
    const repo = stagedRepo({ gemini: reviewer('approve'), codex: reviewer('approve-lower') }, (c) => (c.review.minApprovals = 2));
    const result = repo.wf(['review', 'run']);
    expectCode(result, 0);
    expect(repo.read('.rev/runs.log')).toBe('approve\napprove-lower\n');
    const ids = reviews(repo)
      .filter((r) => r.step === 'review')
      .map((r) => `${r.reviewer}:${r.continuationId}`);
    expect(ids).toHaveLength(2);
    expectCode(repo.wf(['commit', '-m', 'Two reviewers approved']), 0);
    expect(repo.gitOk(['log', '-1', '--format=%(trailers:key=Review-Id,valueonly)']).split('\n').sort()).toEqual(ids.sort());
  });

  it('--reviewer runs only the named reviewers; after a needs-revision the rest are skipped', () => {
    const repo = stagedRepo({ first: reviewer('revise'), second: reviewer('approve'), third: reviewer('garbage') });
    const only = repo.wf(['review', 'run', '--reviewer', 'third', '--reviewer', 'first']);
    expectCode(only, 1);
    expect(repo.read('.rev/runs.log')).toBe('garbage\nrevise\n');
    repo.write('src/app.txt', 'hello again\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    const all = repo.wf(['review', 'run', '--json']);
    expectCode(all, 0);
    const report = JSON.parse(all.stdout);
    expect(report.reviewers.map((o: { reviewer: string; outcome: string }) => `${o.reviewer}:${o.outcome}`)).toEqual(['first:recorded', 'second:skipped', 'third:skipped']);
    expect(report.taskStep).toBe('implement');
  });

  it('--resume passes the reviewer its last session id through resumeArgs', () => {
    const repo = stagedRepo({ gemini: reviewer('approve', { resumeArgs: ['--resume', '{id}'] }) });
    expectCode(repo.wf(['review', 'run']), 0);
    const first = reviews(repo).at(-1)!.continuationId!;
    expect(JSON.parse(repo.read('.rev/argv-approve.json'))).toEqual(['approve']);
    const resumed = repo.wf(['review', 'run', '--resume']);
    expectCode(resumed, 0);
    expect(JSON.parse(repo.read('.rev/argv-approve.json'))).toEqual(['approve', '--resume', first]);
    expect(resumed.stdout).toContain(`resumed ${first}`);
  });

  it('--resume without resumeArgs, or without an earlier session, is a usage error (exit 2) and runs nothing', () => {
    const repo = stagedRepo({ plain: reviewer('approve'), fresh: reviewer('approve', { resumeArgs: ['--session={id}'] }) });
    const noArgs = repo.wf(['review', 'run', '--resume', '--reviewer', 'plain']);
    expectCode(noArgs, 2);
    expect(noArgs.stderr).toContain('has no resumeArgs');
    const noSession = repo.wf(['review', 'run', '--resume', '--reviewer', 'fresh']);
    expectCode(noSession, 2);
    expect(noSession.stderr).toContain('no earlier review');
    expect(existsSync(join(repo.dir, '.rev'))).toBe(false);
  });

  it('reviews the plan with the packet in a file: {file} is replaced, or the path appended, and the file is removed', () => {
    const { repo } = registeredPlanRepo('P-1', (c) => {
      c.reviewers = { named: reviewer('approve', { prompt: 'file', command: ['node', 'reviewer.mjs', 'approve', '--packet={file}'] }) };
    });
    const result = repo.wf(['review', 'run']);
    expectCode(result, 0);
    const argv = JSON.parse(repo.read('.rev/argv-approve.json')) as string[];
    expect(argv[0]).toBe('approve');
    expect(argv[1]).toMatch(/^--packet=.*review-packet\.md$/);
    expect(existsSync(argv[1]!.slice('--packet='.length))).toBe(false);
    const packet = repo.read('.rev/packet-approve.md');
    const digest = createHash('sha256').update(REAL_PLAN).digest('hex');
    expect(packet).toContain(`Fingerprint: ${digest}`);
    expect(packet).toContain('Step: plan-review');
    expect(packet).toContain('Add a small feature with a test');
    expect(packet).not.toContain('## The staged diff');
    expect(state(repo).tasks['P-1'].step).toBe('implement');
    expect(state(repo).tasks['P-1'].reviews.at(-1)).toMatchObject({ step: 'plan-review', reviewer: 'named', fingerprint: digest });

    // Without {file} in the command the path is appended.
    repo.write('.claude/subtasks/P-1/plan.md', `${REAL_PLAN}\nAlso cover the empty input.\n`);
    expectCode(repo.wf(['plan']), 0);
    patchConfig(repo, (c) => (c.reviewers = { appended: reviewer('revise', { prompt: 'file' }) }));
    expectCode(repo.wf(['review', 'run', '--step', 'plan-review']), 0);
    const appended = JSON.parse(repo.read('.rev/argv-revise.json')) as string[];
    expect(appended).toHaveLength(2);
    expect(appended[1]).toMatch(/review-packet\.md$/);
    expect(state(repo).tasks['P-1'].step).toBe('plan');
  });

  it('refuses with exit 2 naming wf init --reviewer when no reviewer is configured, names the configured ones for an unknown --reviewer, and says when reviewers are only uncommitted', () => {
    const repo = track(plannedRepo());
    const none = repo.wf(['review', 'run']);
    expectCode(none, 2);
    expect(none.stderr).toContain('no reviewers are configured');
    expect(none.stderr).toContain('wf init --reviewer claude|codex|gemini');
    patchConfig(repo, (c) => (c.reviewers = { gemini: reviewer('approve') }));
    const unknown = repo.wf(['review', 'run', '--reviewer', 'claude']);
    expectCode(unknown, 2);
    expect(unknown.stderr).toContain('configured: gemini');
    // Committed without reviewers, then added in the working tree: HEAD's reviewers are the ones that run.
    patchConfig(repo, (c) => (c.reviewers = {}));
    repo.gitOk(['add', '.claude/wf.config.json']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'config']);
    patchConfig(repo, (c) => (c.reviewers = { gemini: reviewer('approve') }));
    const pending = repo.wf(['review', 'run']);
    expectCode(pending, 2);
    expect(pending.stderr).toContain('no reviewers are committed, so wf has nothing to run (gemini is only in the working tree)');
    expect(pending.stderr).toContain('commit .claude/wf.config.json');
  });

  it('refuses before running anything when the task is not ready for the review (exit 1, next step named)', () => {
    const repo = track(plannedRepo());
    addReviewerScript(repo);
    patchConfig(repo, (c) => (c.reviewers = { gemini: reviewer('approve') }));
    repo.gitOk(['add', '-A']);
    const result = repo.wf(['review', 'run']);
    expectCode(result, 1);
    expect(result.stderr).toContain('at step implement');
    expect(result.stderr).toContain('wf test');
    expect(existsSync(join(repo.dir, '.rev'))).toBe(false);
  });
});

describe('review.allowManual: false — only verdicts wf read from a reviewer count', () => {
  it('an agent goes from plan to commit with wf review run only; wf record-review is refused at both reviews (exit 1, nothing written)', () => {
    const { repo, planned } = registeredPlanRepo('T-1', (c) => {
      c.review.allowManual = false;
      c.reviewers = { gemini: reviewer('approve') };
    });
    expect(planned.stdout).toContain('next: wf review run --step plan-review');
    for (const step of ['plan-review', 'review']) {
      if (step === 'review') {
        repo.write('src/app.txt', 'hello from the change\n');
        repo.gitOk(['add', '-A']);
        expectCode(repo.wf(['test']), 0);
        const status = JSON.parse(repo.wf(['status', '--json']).stdout);
        expect(status.gates.find((g: { id: string }) => g.id === 'review').fix).toBe('wf review run --task-id T-1 --step review');
      }
      const before = snapshot(repo);
      const typed = repo.wf(['record-review', '--step', step, '--reviewer', 'gemini', '--continuation-id', realId(7), '--status', 'approved']);
      expectCode(typed, 1);
      expect(typed.stderr).toContain('review.allowManual is false');
      expect(typed.stderr).toContain('next:  wf review run');
      expect(snapshot(repo)).toEqual(before);
      expectCode(repo.wf(['review', 'run']), 0);
    }
    expectCode(repo.wf(['commit', '-m', 'Reviewed only by a reviewer wf ran']), 0);
    expect(reviews(repo).map((r) => `${r.step}:${r.via}`)).toEqual(['plan-review:run', 'review:run']);
  });

  it('an approval typed in by hand before the switch does not count afterwards, and the gate says why', () => {
    const repo = stagedRepo({ gemini: reviewer('approve') });
    expectCode(repo.wf(['record-review', '--reviewer', 'alice', '--continuation-id', realId(8), '--status', 'approved']), 0);
    expect(reviews(repo).at(-1)).toMatchObject({ reviewer: 'alice', via: 'manual' });
    expect(repo.read('.claude/workflow-audit.log')).toContain('"via":"manual"');
    // Tightened in the working tree only, so the staged change (and its fingerprint) stays the one alice approved.
    patchConfig(repo, (c) => (c.review.allowManual = false));
    const status = JSON.parse(repo.wf(['status', '--json']).stdout);
    const gate = status.gates.find((g: { id: string }) => g.id === 'review');
    expect(gate.status).toBe('fail');
    expect(gate.detail).toContain('approved only by hand (alice)');
    const commits = repo.gitOk(['rev-list', '--all', '--count']);
    expectCode(repo.wf(['commit', '-m', 'Approved by hand only']), 1);
    expect(repo.gitOk(['rev-list', '--all', '--count'])).toBe(commits);
  });

  it('reviewers and allowManual come from the committed config: an uncommitted swap to an always-approving script is not run, and manual reviews stay off', () => {
    const { repo } = registeredPlanRepo('T-1', (c) => {
      c.review.allowManual = false;
      c.reviewers = { gemini: reviewer('approve') };
    });
    expectCode(repo.wf(['review', 'run']), 0);
    repo.write('src/app.txt', 'first\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    expectCode(repo.wf(['review', 'run']), 0);
    expectCode(repo.wf(['commit', '-m', 'First component, with the config']), 0);
    // Unchanged config: no "differ" note (the schema and the fast reader order keys differently).
    const idle = repo.wf(['review', 'run']);
    expectCode(idle, 1);
    expect(idle.stderr).not.toContain('differ from the committed config');

    repo.write('src/app.txt', 'second\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    // The swap: the same reviewer name now runs something else, and manual reviews are switched back on.
    patchConfig(repo, (c) => {
      c.review.allowManual = true;
      c.reviewers = { gemini: reviewer('approve-lower') };
    });
    const typed = repo.wf(['record-review', '--reviewer', 'gemini', '--continuation-id', realId(9), '--status', 'approved']);
    expectCode(typed, 1);
    expect(typed.stderr).toContain('review.allowManual is false');
    const run = repo.wf(['review', 'run']);
    expectCode(run, 0);
    expect(run.stderr).toContain('reviewers gemini differ from the committed config');
    expect(repo.read('.rev/runs.log').trim().split('\n').at(-1)).toBe('approve');
    const doctor = JSON.parse(repo.wf(['doctor', '--json']).stdout);
    expect(doctor.checks.find((c: { name: string }) => c.name === 'uncommitted reviewer changes')).toMatchObject({ status: 'warn' });
  });

  it('a committed config that does not parse (it got past the hooks) does not lock the repository: the defaults are the floor until the fix is committed', () => {
    const repo = track(plannedRepo());
    repo.write('src/app.txt', 'first\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    expectCode(repo.wf(['record-review', '--reviewer', 'alice', '--continuation-id', realId(1), '--status', 'approved']), 0);
    expectCode(repo.wf(['commit', '-m', 'first']), 0);
    const good = repo.read('.claude/wf.config.json');
    repo.write('.claude/wf.config.json', '{ "version": 2 }\n');
    repo.gitOk(['commit', '-q', '--no-verify', '-am', 'break the config']);
    repo.write('.claude/wf.config.json', good);
    repo.write('src/app.txt', 'second\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['status']), 0);
    expectCode(repo.wf(['test']), 0);
    expectCode(repo.wf(['record-review', '--reviewer', 'alice', '--continuation-id', realId(2), '--status', 'approved']), 0);
    expectCode(repo.wf(['commit', '-m', 'fix the config']), 0);
    expect(repo.gitOk(['show', 'HEAD:.claude/wf.config.json'])).toBe(good.trim());
  });
});
