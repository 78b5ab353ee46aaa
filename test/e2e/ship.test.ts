import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, REAL_PLAN, WF_BIN, type TestRepo } from '../helpers/repo.js';
import { expectCode, patchConfig, plannedRepo } from '../helpers/workflow.js';

/**
 * `wf ship`, `wf next` and the stop gate: the local loop that closes by
 * itself. Real repositories, the built CLI, scripted reviewers that count
 * their runs and answer by their first argument, or by a file the test edits.
 */
const made: TestRepo[] = [];
afterAll(() => made.forEach((r) => r.cleanup()));
const track = (r: TestRepo) => (made.push(r), r);

const REVIEWER = String.raw`
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
const [name] = process.argv.slice(2);
readFileSync(0, 'utf8');
mkdirSync('.rev', { recursive: true });
appendFileSync('.rev/runs.log', name + '\n');
const mode = existsSync('.rev/' + name + '.mode') ? readFileSync('.rev/' + name + '.mode', 'utf8').trim() : 'approve';
const text = mode === 'approve' ? 'Looks right.\nVERDICT: APPROVED' : 'src/app.txt: say hello politely.\nVERDICT: NEEDS_REVISION';
console.log(JSON.stringify({ session_id: randomUUID(), response: text }));
`;

function withReviewers(repo: TestRepo, names: string[], minApprovals = 1): void {
  repo.write('reviewer.mjs', REVIEWER);
  appendFileSync(join(repo.dir, '.git', 'info', 'exclude'), 'reviewer.mjs\n.rev/\n');
  patchConfig(repo, (c) => {
    c.reviewers = Object.fromEntries(names.map((n) => [n, { command: ['node', 'reviewer.mjs', n], continuationId: { jsonPath: 'session_id' }, verdict: { jsonPath: 'response', regex: '^VERDICT: (\\w+)$' } }]));
    c.review.minApprovals = minApprovals;
  });
}
const mode = (repo: TestRepo, name: string, m: 'approve' | 'revise') => repo.write(`.rev/${name}.mode`, `${m}\n`);
const runs = (repo: TestRepo) => (existsSync(join(repo.dir, '.rev/runs.log')) ? repo.read('.rev/runs.log').split('\n').filter(Boolean) : []);
const ship = (repo: TestRepo, args: string[] = []) => repo.wf(['ship', '--json', ...args]);
const head = (repo: TestRepo) => repo.git(['rev-parse', '-q', '--verify', 'HEAD']).stdout.trim();

function stagedShipRepo(names = ['gemini'], minApprovals = 1): TestRepo {
  const repo = track(plannedRepo());
  withReviewers(repo, names, minApprovals);
  repo.write('src/app.txt', 'hello from the change\n');
  repo.gitOk(['add', '-A']);
  return repo;
}

describe('wf ship', () => {
  it('on a clean path: runs the tests and the reviewer, commits with the trailers, and says what is next', () => {
    const repo = stagedShipRepo();
    const r = ship(repo, ['-m', 'Say hello']);
    expectCode(r, 0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ taskId: 'T-1', committed: true, exitCode: 0, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(report.stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`)).toEqual(['tests:passed', 'review:passed', 'commit:passed']);
    expect(report.commit).toBe(head(repo));
    const trailers = repo.gitOk(['log', '-1', '--format=%(trailers:key=Review-Hash,valueonly)%(trailers:key=Review-Id,valueonly)']);
    expect(trailers).toContain(report.fingerprint);
    expect(trailers).toMatch(/^gemini:[0-9a-f-]{36}$/m);
    expect(repo.gitOk(['log', '-1', '--format=%s'])).toBe('Say hello');
    expect(report.next).toMatchObject({ taskId: 'T-1', step: 'implement', command: 'git add <files>' });
    expect(runs(repo)).toEqual(['gemini']);
  });

  it('the message defaults to the task title', () => {
    const repo = stagedShipRepo();
    expectCode(ship(repo), 0);
    expect(repo.gitOk(['log', '-1', '--format=%s'])).toBe('A test task');
  });

  it('failing tests: nothing is committed, no reviewer runs, and the report carries the tail of the test output', () => {
    const repo = stagedShipRepo();
    repo.write('src/app.txt', 'FAIL on purpose\n');
    repo.gitOk(['add', '-A']);
    const r = ship(repo);
    expectCode(r, 1);
    const report = JSON.parse(r.stdout);
    expect(report.committed).toBe(false);
    expect(report.stages).toEqual([expect.objectContaining({ stage: 'tests', status: 'failed', detail: 'failed (exit 1)' })]);
    expect(head(repo)).toBe('');
    expect(runs(repo)).toEqual([]);
    expect(report.next.reason).toMatch(/the tests fail on the staged change/);
  });

  it('a NEEDS_REVISION: nothing is committed, the findings are printed; after the fix a second ship re-runs only what the new fingerprint needs', () => {
    const repo = stagedShipRepo();
    mode(repo, 'gemini', 'revise');
    const first = repo.wf(['ship']);
    expectCode(first, 1);
    expect(first.stdout).toContain('say hello politely');
    expect(first.stdout).toMatch(/✓ tests: passed/);
    expect(head(repo)).toBe('');
    expect(runs(repo)).toEqual(['gemini']);

    // The same staged change again: the tests are not re-run; the reviewer is asked again, and still says no.
    const again = ship(repo);
    expectCode(again, 1);
    expect(JSON.parse(again.stdout).stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`)).toEqual(['tests:skipped', 'review:needs-revision']);

    // The fix: a new fingerprint, so tests and review run once more, then the commit.
    mode(repo, 'gemini', 'approve');
    repo.write('src/app.txt', 'hello from the change, politely\n');
    repo.gitOk(['add', '-A']);
    const fixed = ship(repo);
    expectCode(fixed, 0);
    expect(JSON.parse(fixed.stdout).stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`)).toEqual(['tests:passed', 'review:passed', 'commit:passed']);
    expect(runs(repo)).toEqual(['gemini', 'gemini', 'gemini']);
  });

  it('two reviewers required and one already approved: only the other runs', () => {
    const repo = stagedShipRepo(['gemini', 'codex'], 2);
    mode(repo, 'codex', 'revise');
    expectCode(ship(repo), 1);
    expect(runs(repo)).toEqual(['gemini', 'codex']);
    mode(repo, 'codex', 'approve');
    const r = ship(repo);
    expectCode(r, 0);
    expect(runs(repo)).toEqual(['gemini', 'codex', 'codex']);
    expect(repo.gitOk(['log', '-1', '--format=%(trailers:key=Review-Id,valueonly)']).split('\n').map((l) => l.split(':')[0]).sort()).toEqual(['codex', 'gemini']);
  });

  it('unstaged edits of tracked files: the tests stage refuses (they would not run on the staged code), in the report', () => {
    const repo = stagedShipRepo();
    repo.write('src/app.txt', 'edited after staging\n');
    const r = ship(repo);
    expectCode(r, 1);
    expect(JSON.parse(r.stdout).stages).toEqual([expect.objectContaining({ stage: 'tests', status: 'failed', detail: expect.stringMatching(/unstaged changes \(src\/app\.txt\)/) })]);
    expect(runs(repo)).toEqual([]);
  });

  it('a task at plan-review: runs the plan reviewers, then stops with the next action', () => {
    const repo = track(makeRepo());
    repo.write('test.mjs', "console.log('ok');\n");
    expectCode(repo.wf(['init', '--yes']), 0);
    withReviewers(repo, ['gemini']);
    expectCode(repo.wf(['task', 'start', 'P-1', '--title', 'Plan first']), 0);
    repo.wf(['plan']);
    repo.write('.claude/subtasks/P-1/plan.md', REAL_PLAN);
    expectCode(repo.wf(['plan']), 0);
    const r = ship(repo);
    expectCode(r, 0);
    const report = JSON.parse(r.stdout);
    expect(report.stages).toEqual([expect.objectContaining({ stage: 'plan-review', status: 'passed' })]);
    expect(report.next).toMatchObject({ step: 'implement', command: 'git add <files>' });
  });

  it('a complex task with no todo, and nothing staged, stop before anything runs', () => {
    const repo = stagedShipRepo();
    patchConfig(repo, (c) => {
      c.complexity.maxFiles = 1;
    });
    repo.write('src/other.txt', 'x\n');
    repo.gitOk(['add', '-A']);
    const complex = ship(repo);
    expectCode(complex, 1);
    expect(JSON.parse(complex.stdout)).toMatchObject({ stages: [], next: { command: expect.stringMatching(/^wf todo add/) } });
    expect(runs(repo)).toEqual([]);
    repo.gitOk(['reset', '-q']);
    const nothing = ship(repo);
    expectCode(nothing, 1);
    expect(JSON.parse(nothing.stdout).next).toMatchObject({ command: 'git add <files>', reason: expect.stringMatching(/stage it/) });
  });
});

describe('the plan step with less ceremony', () => {
  it('wf task start --plan registers a written plan in the same command; a bad plan starts nothing', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    withReviewers(repo, ['gemini']);
    repo.write('docs/plan-P-2.md', REAL_PLAN);
    repo.write('docs/empty.md', '# Plan\n');
    const bad = repo.wf(['task', 'start', 'P-3', '--plan', 'docs/empty.md']);
    expectCode(bad, 1);
    expect(repo.wf(['task', 'list', '--json']).stdout).not.toContain('P-3');
    const r = repo.wf(['task', 'start', 'P-2', '--title', 'With a plan', '--plan', 'docs/plan-P-2.md', '--json']);
    expectCode(r, 0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'P-2', step: 'plan-review', plan: { path: 'docs/plan-P-2.md' } });
    expectCode(repo.wf(['ship']), 0);
    expect(JSON.parse(repo.wf(['status', '--json']).stdout).task.step).toBe('implement');
  });

  it('running wf plan again on an unchanged plan changes nothing: the approval and the step stand', () => {
    const repo = stagedShipRepo();
    const before = JSON.parse(repo.wf(['status', '--json']).stdout).task.step;
    const again = repo.wf(['plan', '--json']);
    expectCode(again, 0);
    expect(JSON.parse(again.stdout)).toMatchObject({ unchanged: true });
    expect(JSON.parse(repo.wf(['status', '--json']).stdout).task.step).toBe(before);
    expect(before).toBe('implement');
  });
});

describe('wf next', () => {
  const next = (repo: TestRepo) => {
    const r = repo.wf(['next', '--json']);
    expectCode(r, 0);
    return JSON.parse(r.stdout);
  };

  it('gives one action for every step', () => {
    const repo = track(makeRepo());
    repo.write('test.mjs', "import { readFileSync } from 'node:fs';\nif (readFileSync('src/app.txt', 'utf8').includes('FAIL')) process.exit(1);\n");
    repo.write('src/app.txt', 'hello\n');
    expectCode(repo.wf(['init', '--yes']), 0);
    withReviewers(repo, ['gemini']);
    patchConfig(repo, (c) => {
      c.test.command = ['node', 'test.mjs'];
    });
    expect(next(repo)).toMatchObject({ taskId: null, command: 'wf task start <id> --title "<what you are doing>"' });
    expectCode(repo.wf(['task', 'start', 'N-1', '--title', 'Next steps']), 0);
    expect(next(repo)).toMatchObject({ step: 'plan', command: 'wf plan --task-id N-1' });
    repo.wf(['plan']);
    expect(next(repo)).toMatchObject({ step: 'plan', command: 'wf plan --task-id N-1', reason: expect.stringMatching(/still the template: write it in \.claude\/subtasks\/N-1\/plan\.md/) });
    repo.write('.claude/subtasks/N-1/plan.md', REAL_PLAN);
    expectCode(repo.wf(['plan']), 0);
    expect(next(repo)).toMatchObject({ step: 'plan-review', command: 'wf ship --task-id N-1' });
    mode(repo, 'gemini', 'revise');
    expectCode(repo.wf(['review', 'run']), 0);
    expect(next(repo)).toMatchObject({ step: 'plan', command: 'wf plan --task-id N-1' });
    mode(repo, 'gemini', 'approve');
    repo.write('.claude/subtasks/N-1/plan.md', `${REAL_PLAN}\nRevised after review.\n`);
    expectCode(repo.wf(['plan']), 0);
    expect(next(repo)).toMatchObject({ step: 'plan-review', command: 'wf ship --task-id N-1' });
    expectCode(repo.wf(['ship']), 0);
    expect(next(repo)).toMatchObject({ step: 'implement', command: 'git add <files>' });
    repo.write('src/app.txt', 'FAIL\n');
    repo.gitOk(['add', '-A']);
    expect(next(repo)).toMatchObject({ step: 'implement', command: "wf ship --task-id N-1 -m 'Next steps'" });
    expectCode(repo.wf(['test']), 1);
    expect(next(repo)).toMatchObject({ command: null, reason: expect.stringMatching(/the tests fail on the staged change/) });
    repo.write('src/app.txt', 'hello again\n');
    repo.gitOk(['add', '-A']);
    mode(repo, 'gemini', 'revise');
    expectCode(repo.wf(['ship']), 1);
    expect(next(repo)).toMatchObject({ command: null, reason: expect.stringMatching(/gemini asked for changes/), findings: expect.stringContaining('say hello politely') });
    mode(repo, 'gemini', 'approve');
    repo.write('src/app.txt', 'hello again, politely\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['ship']), 0);
    expectCode(repo.wf(['task', 'finish']), 0);
    expect(next(repo)).toMatchObject({ taskId: null, reason: expect.stringMatching(/no active task|finished/) });
  });

  it('wf status names the same action', () => {
    const repo = stagedShipRepo();
    const status = JSON.parse(repo.wf(['status', '--json']).stdout);
    expect(status.nextAction).toEqual(next(repo));
  });
});

describe('the stop gate (Claude Code Stop hook)', () => {
  const stop = (repo: TestRepo, payload: Record<string, unknown>) => repo.wf(['hook', 'stop'], { input: JSON.stringify({ session_id: 'sess-1', transcript_path: '/tmp/t.jsonl', hook_event_name: 'Stop', cwd: repo.dir, ...payload }) });
  const gated = () => {
    const repo = stagedShipRepo();
    patchConfig(repo, (c) => {
      c.agent = { stopGate: true, maxStopBlocks: 2 };
    });
    repo.gitOk(['add', '-A']);
    return repo;
  };

  it('blocks with the findings of an unaddressed NEEDS_REVISION and the next action', () => {
    const repo = gated();
    mode(repo, 'gemini', 'revise');
    expectCode(repo.wf(['ship']), 1);
    const r = stop(repo, { stop_hook_active: false });
    expectCode(r, 0);
    const out = JSON.parse(r.stdout);
    expect(out.decision).toBe('block');
    expect(out.reason).toContain('say hello politely');
    expect(out.reason).toContain('tracked changes that did not go through the gates');
    expect(out.reason).toMatch(/Next: /);
  });

  it('blocks on failing tests, counts blocks with stop_hook_active, and lets the agent stop after the cap, saying why', () => {
    const repo = gated();
    repo.write('src/app.txt', 'FAIL\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 1);
    const first = JSON.parse(stop(repo, { stop_hook_active: false }).stdout);
    expect(first).toMatchObject({ decision: 'block', reason: expect.stringContaining('the tests fail on the staged change') });
    expect(JSON.parse(stop(repo, { stop_hook_active: true }).stdout).decision).toBe('block');
    const released = JSON.parse(stop(repo, { stop_hook_active: true }).stdout);
    expect(released.decision).toBeUndefined();
    expect(released.systemMessage).toMatch(/held the agent 2 times in a row/);
    // A stop that follows real work starts counting again.
    expect(JSON.parse(stop(repo, { stop_hook_active: false }).stdout).decision).toBe('block');
  });

  it('is silent with no task, and when the task has nothing open', () => {
    const empty = track(makeRepo());
    expectCode(empty.wf(['init', '--yes']), 0);
    patchConfig(empty, (c) => {
      c.agent = { stopGate: true, maxStopBlocks: 3 };
    });
    const none = stop(empty, { stop_hook_active: false });
    expectCode(none, 0);
    expect(none.stdout).toBe('');
    const repo = gated();
    expectCode(repo.wf(['ship']), 0);
    const clean = stop(repo, { stop_hook_active: false });
    expectCode(clean, 0);
    expect(clean.stdout).toBe('');
  });

  it('fails open on its own crash: an unreadable state lets the agent stop', () => {
    const repo = gated();
    repo.write('.claude/task-state.json', '{ not json');
    const r = stop(repo, { stop_hook_active: false });
    expectCode(r, 0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/the stop hook failed, so it lets the agent stop/);
  });

  it('wf init --agent claude turns the stop gate on', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes', '--agent', 'claude']), 0);
    expect(JSON.parse(readFileSync(join(repo.dir, '.claude/wf.config.json'), 'utf8')).agent).toEqual({ stopGate: true, maxStopBlocks: 3 });
  });
});

describe('what an agent runs every turn stays on the fast path', () => {
  it('wf next and the stop hook load nothing from node_modules, and the stop hook not the shell reader', () => {
    const repo = stagedShipRepo();
    patchConfig(repo, (c) => {
      c.agent = { stopGate: true, maxStopBlocks: 3 };
    });
    const trace = join(repo.dir, '..', 'trace.txt');
    const tracer = new URL('../helpers/trace-imports.mjs', import.meta.url).pathname;
    for (const [args, input] of [[['next', '--json'], ''], [['hook', 'stop'], JSON.stringify({ session_id: 's', stop_hook_active: false, cwd: repo.dir })]] as const) {
      const r = spawnSync(process.execPath, ['--import', tracer, WF_BIN, ...args], { cwd: repo.dir, env: { ...repo.env, WF_TRACE_FILE: trace }, input, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    expect(loaded.some((u) => u.includes('/dist/fast/next.cjs'))).toBe(true);
    expect(loaded.some((u) => u.includes('/dist/fast/stop.cjs'))).toBe(true);
    expect(loaded.filter((u) => u.includes('node_modules') || u.includes('/dist/bundle/') || u.includes('/dist/fast/agent-guard.cjs'))).toEqual([]);
  });
});
