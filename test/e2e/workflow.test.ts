import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, realId, REAL_PLAN, type TestRepo } from '../helpers/repo.js';
import { expectCode, patchConfig, plannedRepo, testAndApprove } from '../helpers/workflow.js';

const repos: TestRepo[] = [];
const track = (r: TestRepo) => (repos.push(r), r);
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

const state = (repo: TestRepo) => JSON.parse(repo.read('.claude/task-state.json'));
const trailerOf = (repo: TestRepo, key: string) => repo.gitOk(['log', '-1', `--format=%(trailers:key=${key},valueonly)`]).trim();

describe('the six-step cycle', () => {
  it('plans, tests, reviews and commits with a Review-Hash that anyone can recompute', () => {
    const repo = track(plannedRepo());
    expect(state(repo).tasks['T-1'].step).toBe('implement');
    testAndApprove(repo);
    expect(state(repo).tasks['T-1'].step).toBe('commit');
    const staged = repo.wf(['hash']).stdout.trim();
    expectCode(repo.wf(['commit', '-m', 'First component']), 0);
    expect(trailerOf(repo, 'Review-Hash')).toBe(staged);
    expect(trailerOf(repo, 'Review-Id')).toBe(`alice:${realId(1)}`);
    expect(repo.wf(['hash', '--commit', 'HEAD']).stdout.trim()).toBe(staged);
    const task = state(repo).tasks['T-1'];
    expect(task.step).toBe('implement');
    expect(task.commits).toHaveLength(1);
    expectCode(repo.wf(['audit', 'verify']), 0);
    const events = JSON.parse(repo.wf(['audit', 'show', '--json']).stdout).map((e: { event: string }) => e.event);
    expect(events).toEqual(['task-started', 'plan-registered', 'review-recorded', 'test-recorded', 'review-recorded', 'commit-made']);
  });

  it('cycles through components and finishes only after a commit', () => {
    const repo = track(plannedRepo());
    const early = repo.wf(['task', 'finish']);
    expectCode(early, 1);
    expect(early.stderr).toContain('0 commits');
    testAndApprove(repo);
    expectCode(repo.wf(['commit', '-m', 'one']), 0);
    repo.write('src/second.txt', 'second component\n');
    testAndApprove(repo, 'alice', 2);
    expectCode(repo.wf(['commit', '-m', 'two']), 0);
    expectCode(repo.wf(['task', 'finish']), 0);
    expect(state(repo).tasks['T-1']).toMatchObject({ status: 'finished', progress: 1 });
    expect(repo.gitOk(['rev-list', '--count', 'HEAD'])).toBe('2');
  });

  it('refuses illegal moves with the current step and the command that moves it on', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    expectCode(repo.wf(['task', 'start', 'T-2']), 0);
    repo.write('a.txt', 'a\n');
    repo.gitOk(['add', 'a.txt']);
    const test = repo.wf(['test']);
    expectCode(test, 1);
    expect(test.stderr).toContain('at step plan');
    expect(test.stderr).toContain('wf plan');
    const review = repo.wf(['record-review', '--step', 'review', '--reviewer', 'bob', '--continuation-id', realId(3), '--status', 'approved']);
    expectCode(review, 1);
    expect(review.stderr).toContain('at step plan');
  });

  it('needs-revision sends the plan back to plan and the code back to implement', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    patchConfig(repo, (c) => (c.test.command = ['node', '-e', '0']));
    expectCode(repo.wf(['task', 'start', 'T-3']), 0);
    repo.wf(['plan']);
    repo.write('.claude/subtasks/T-3/plan.md', REAL_PLAN);
    expectCode(repo.wf(['plan']), 0);
    expectCode(repo.wf(['record-review', '--reviewer', 'bob', '--continuation-id', realId(4), '--status', 'needs-revision', '--notes', 'too vague']), 0);
    expect(state(repo).tasks['T-3'].step).toBe('plan');
    repo.write('.claude/subtasks/T-3/plan.md', `${REAL_PLAN}\nNow with more detail on the error paths and the rollback.\n`);
    expectCode(repo.wf(['plan']), 0);
    expectCode(repo.wf(['record-review', '--reviewer', 'bob', '--continuation-id', realId(5), '--status', 'approved']), 0);
    repo.write('x.txt', 'x\n');
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    expectCode(repo.wf(['record-review', '--reviewer', 'bob', '--continuation-id', realId(6), '--status', 'needs-revision']), 0);
    expect(state(repo).tasks['T-3'].step).toBe('implement');
  });

  it('refuses the untouched template and a near-empty plan', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    expectCode(repo.wf(['task', 'start', 'T-4']), 0);
    const created = repo.wf(['plan']);
    expectCode(created, 0);
    expect(created.stdout).toContain('.claude/subtasks/T-4/plan.md');
    const template = repo.wf(['plan']);
    expectCode(template, 1);
    expect(template.stderr).toContain('untouched template');
    repo.write('.claude/subtasks/T-4/plan.md', '# Plan\n\n## Goal\nDo it.\n');
    const thin = repo.wf(['plan']);
    expectCode(thin, 1);
    expect(thin.stderr).toMatch(/has \d+ words of its own/);
    expect(state(repo).tasks['T-4'].step).toBe('plan');
  });

  it('a plan edited after its approval needs a new review before a commit', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    repo.write('.claude/subtasks/T-1/plan.md', `${REAL_PLAN}\nA sneaky new scope nobody reviewed.\n`);
    const result = repo.wf(['commit', '-m', 'x']);
    expectCode(result, 1);
    expect(result.stderr).toContain('the plan changed after it was approved');
  });
});

describe('gates', () => {
  it('refuses code changed after review and names the changed files', () => {
    const repo = track(plannedRepo());
    repo.write('src/one.txt', 'one\n');
    testAndApprove(repo);
    repo.write('src/one.txt', 'one, edited after review\n');
    repo.gitOk(['add', '-A']);
    const result = repo.wf(['commit', '-m', 'x']);
    expectCode(result, 1);
    expect(result.stderr).toContain('the code changed after it was reviewed: src/one.txt');
    expect(repo.git(['rev-parse', '-q', '--verify', 'HEAD']).code).not.toBe(0);
  });

  it('refuses a placeholder continuation id with exit 2 and writes nothing', () => {
    const repo = track(plannedRepo());
    repo.gitOk(['add', '-A']);
    expectCode(repo.wf(['test']), 0);
    const before = [repo.read('.claude/task-state.json'), repo.read('.claude/workflow-audit.log')];
    for (const id of ['test-123', '<id>', '12345678', '00000000-0000-0000-0000-000000000000', 'fake_id', '   ']) {
      const result = repo.wf(['record-review', '--reviewer', 'alice', '--continuation-id', id, '--status', 'approved']);
      expectCode(result, 2);
      expect(result.stderr).toContain('placeholder');
    }
    expect([repo.read('.claude/task-state.json'), repo.read('.claude/workflow-audit.log')]).toEqual(before);
  });

  it('with review.minApprovals 2, two distinct reviewers must approve the same fingerprint', () => {
    const repo = track(plannedRepo());
    patchConfig(repo, (c) => (c.review.minApprovals = 2));
    testAndApprove(repo, 'alice', 1);
    expect(state(repo).tasks['T-1'].step).toBe('review');
    expectCode(repo.wf(['record-review', '--reviewer', 'alice', '--continuation-id', realId(2), '--status', 'approved']), 0);
    const one = repo.wf(['commit', '-m', 'x']);
    expectCode(one, 1);
    expect(one.stderr).toContain('1 of 2 distinct approving reviewers');
    expectCode(repo.wf(['record-review', '--reviewer', 'bob', '--continuation-id', realId(3), '--status', 'approved']), 0);
    expectCode(repo.wf(['commit', '-m', 'x']), 0);
    expect(trailerOf(repo, 'Review-Id').split('\n').sort()).toEqual([`alice:${realId(2)}`, `bob:${realId(3)}`]);
  });

  it('a failing test run is recorded and blocks the commit', () => {
    const repo = track(plannedRepo());
    repo.write('src/app.txt', 'FAIL\n');
    repo.gitOk(['add', '-A']);
    const run = repo.wf(['test']);
    expectCode(run, 1);
    expect(run.stderr).toContain('the tests failed (exit 1)');
    const task = state(repo).tasks['T-1'];
    expect(task.step).toBe('test');
    expect(task.tests.at(-1)).toMatchObject({ passed: false, exitCode: 1 });
    const refusal = repo.wf(['record-review', '--reviewer', 'alice', '--continuation-id', realId(7), '--status', 'approved']);
    expectCode(refusal, 0);
    const commit = repo.wf(['commit', '-m', 'x']);
    expectCode(commit, 1);
    expect(commit.stderr).toContain('the last run on this code failed');
  });

  it('a complex task needs a todo', () => {
    const repo = track(plannedRepo());
    patchConfig(repo, (c) => (c.complexity.maxFiles = 2));
    for (const n of [1, 2, 3]) repo.write(`src/f${n}.txt`, `${n}\n`);
    testAndApprove(repo);
    const refused = repo.wf(['commit', '-m', 'x']);
    expectCode(refused, 1);
    expect(refused.stderr).toContain('complex because the staged change touches');
    expectCode(repo.wf(['todo', 'add', 'split the parser from the printer']), 0);
    expectCode(repo.wf(['todo', 'done', '1']), 0);
    expectCode(repo.wf(['todo', 'done', '9']), 2);
    expectCode(repo.wf(['commit', '-m', 'x']), 0);
  });

  it('the context gate blocks above blockAt and only warns above warnAt', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    expectCode(repo.wf(['context', 'record', '--used', '190000', '--limit', '200000']), 0);
    const blocked = repo.wf(['commit', '-m', 'x']);
    expectCode(blocked, 1);
    expect(blocked.stderr).toContain('delegate to a subagent or compact');
    expectCode(repo.wf(['context', 'record', '--used', '150000', '--limit', '200000']), 0);
    const status = JSON.parse(repo.wf(['status', '--json']).stdout);
    expect(status.gates.find((g: { id: string }) => g.id === 'context').status).toBe('warn');
    expectCode(repo.wf(['commit', '-m', 'x']), 0);
  });

  it('mode: warn reports every gate but lets the commit through', () => {
    const repo = track(plannedRepo());
    patchConfig(repo, (c) => (c.mode = 'warn'));
    repo.write('src/unreviewed.txt', 'nobody looked at this\n');
    repo.gitOk(['add', '-A']);
    const status = JSON.parse(repo.wf(['status', '--json']).stdout);
    expect(status.gates.filter((g: { status: string }) => g.status === 'warn').map((g: { id: string }) => g.id)).toEqual(['tests', 'review']);
    expect(status.commitAllowed).toBe(true);
    const git = repo.git(['commit', '-m', 'allowed in warn mode']);
    expectCode(git, 0);
    expect(git.stderr).toContain('mode: warn');
  });

  it('status lists every gate with the command that satisfies it', () => {
    const repo = track(plannedRepo());
    repo.write('src/x.txt', 'x\n');
    repo.gitOk(['add', '-A']);
    const human = repo.wf(['status']);
    expectCode(human, 0);
    expect(human.stdout).toContain('✗ tests passed on exactly this code');
    expect(human.stdout).toContain('→ wf test --task-id T-1');
    expect(human.stdout).toContain('picked by single active task');
    const json = JSON.parse(repo.wf(['status', '--json']).stdout);
    expect(json.task.step).toBe('implement');
    expect(json.gates.map((g: { id: string }) => g.id)).toEqual(['staged', 'plan', 'plan-review', 'todos', 'tests', 'review', 'context']);
    expect(json.commitAllowed).toBe(false);
  });
});

describe('task resolution', () => {
  it('uses --task-id, then WF_TASK_ID, then the branch, then the single active task, and never guesses', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    expectCode(repo.wf(['task', 'start', 'P1T13-F5']), 0);
    expectCode(repo.wf(['task', 'start', 'P1T13-F5c']), 0);
    const ambiguous = repo.wf(['status']);
    expectCode(ambiguous, 2);
    expect(ambiguous.stderr).toContain('P1T13-F5, P1T13-F5c');
    repo.gitOk(['checkout', '-q', '-b', 'feature/P1T13-F5c-rollup']);
    expect(JSON.parse(repo.wf(['status', '--json']).stdout)).toMatchObject({ task: { id: 'P1T13-F5c' }, pickedBy: 'branch' });
    expect(JSON.parse(repo.wf(['status', '--json'], { env: { WF_TASK_ID: 'P1T13-F5' } }).stdout)).toMatchObject({ task: { id: 'P1T13-F5' }, pickedBy: 'WF_TASK_ID' });
    expect(JSON.parse(repo.wf(['status', '--json', '--task-id', 'P1T13-F5'], { env: { WF_TASK_ID: 'P1T13-F5c' } }).stdout).pickedBy).toBe('--task-id');
    const unknown = repo.wf(['status', '--task-id', 'NOPE-1']);
    expectCode(unknown, 2);
    expect(unknown.stderr).toContain('unknown task "NOPE-1"');
  });
});

describe('bad input gets a clear error and loses nothing', () => {
  it('outside a git repository: exit 3', () => {
    const repo = track(makeRepo({ init: false }));
    for (const args of [['status'], ['init', '--yes'], ['hash'], ['task', 'start', 'X-1']]) {
      const result = repo.wf(args);
      expectCode(result, 3);
      expect(result.stderr).toContain('not inside a git work tree');
    }
  });

  it('invalid task ids are refused before any file is touched', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    const before = repo.read('.claude/task-state.json');
    for (const id of ['../escape', '.', '..', '-flag-like', 'a/b', 'x'.repeat(65), 'sp ace']) {
      expectCode(repo.wf(['task', 'start', '--', id]), 2);
    }
    expect(repo.read('.claude/task-state.json')).toBe(before);
  });

  it('a hand-broken state file is reported (exit 2) and never overwritten', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    for (const broken of ['{ "version": 1, "tasks": ', '{"version":1,"tasks":{"A":{"id":"B"}}}', '[]']) {
      repo.write('.claude/task-state.json', broken);
      const result = repo.wf(['task', 'start', 'A-1']);
      expectCode(result, 2);
      expect(result.stderr).toContain('task-state.json');
      expect(repo.read('.claude/task-state.json')).toBe(broken);
    }
  });

  it('a hand-broken config is reported (exit 2) and never overwritten', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    for (const broken of ['{ nope', '{"mode":"lenient"}', '{"review":{"minAproovals":1}}']) {
      repo.write('.claude/wf.config.json', broken);
      for (const args of [['status'], ['init', '--yes']]) {
        const result = repo.wf(args);
        expectCode(result, 2);
        expect(result.stderr).toContain('wf.config.json');
      }
      expect(repo.read('.claude/wf.config.json')).toBe(broken);
    }
  });

  it('unknown flags and commands are usage errors (exit 2)', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['status', '--no-such-flag']), 2);
    expectCode(repo.wf(['no-such-command']), 2);
    expectCode(repo.wf(['hook', 'no-such-hook']), 2);
  });

  it('init is idempotent: a second run changes nothing and says so', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    const files = ['.claude/wf.config.json', '.claude/task-state.json', '.gitignore', '.git/hooks/pre-commit', '.git/hooks/commit-msg'];
    const before = files.map((f) => repo.read(f));
    const again = repo.wf(['init', '--yes']);
    expectCode(again, 0);
    expect(again.stdout).toContain('nothing to change');
    expect(files.map((f) => repo.read(f))).toEqual(before);
  });

  it('a missing test command is an environment error and records nothing', () => {
    const repo = track(plannedRepo());
    patchConfig(repo, (c) => (c.test.command = 'definitely-not-a-command-wf'));
    repo.gitOk(['add', '-A']);
    const result = repo.wf(['test']);
    expectCode(result, 3);
    expect(result.stderr).toContain('could not be started');
    expect(state(repo).tasks['T-1'].tests).toHaveLength(0);
  });

  it('a hanging test command times out and is recorded as a failure', () => {
    const repo = track(plannedRepo());
    patchConfig(repo, (c) => {
      c.test.command = ['node', '-e', 'setInterval(() => {}, 1000)'];
      c.test.timeoutSeconds = 1;
    });
    repo.gitOk(['add', '-A']);
    const result = repo.wf(['test']);
    expectCode(result, 1);
    expect(result.stderr).toContain('timed out after 1 s');
    expect(state(repo).tasks['T-1'].tests.at(-1)).toMatchObject({ passed: false, timedOut: true });
  });

  it('Ctrl-C during wf test leaves the state unchanged', async () => {
    const repo = track(plannedRepo());
    patchConfig(repo, (c) => (c.test.command = ['node', '-e', "console.log('started'); setInterval(() => {}, 1000)"]));
    repo.gitOk(['add', '-A']);
    const before = repo.read('.claude/task-state.json');
    const { spawn } = await import('node:child_process');
    const { WF_BIN } = await import('../helpers/repo.js');
    const child = spawn(process.execPath, [WF_BIN, 'test'], { cwd: repo.dir, env: repo.env });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (out.includes('started')) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).not.toBe(0);
    expect(repo.read('.claude/task-state.json')).toBe(before);
  });

  it('unstaged changes to tracked files stop wf test: the tests would not run on the staged code', () => {
    const repo = track(plannedRepo());
    repo.gitOk(['add', '-A']);
    repo.gitOk(['commit', '-q', '--no-verify', '-m', 'base']);
    repo.write('src/app.txt', 'staged\n');
    repo.gitOk(['add', '-A']);
    repo.write('src/app.txt', 'FAIL unstaged\n');
    const result = repo.wf(['test']);
    expectCode(result, 1);
    expect(result.stderr).toContain('unstaged changes (src/app.txt)');
  });

  it('works on a detached HEAD', () => {
    const repo = track(plannedRepo());
    testAndApprove(repo);
    expectCode(repo.wf(['commit', '-m', 'on main']), 0);
    repo.gitOk(['checkout', '-q', '--detach']);
    repo.write('src/detached.txt', 'x\n');
    testAndApprove(repo, 'alice', 2);
    expectCode(repo.wf(['commit', '-m', 'detached']), 0);
    expect(trailerOf(repo, 'Review-Hash')).toBe(repo.wf(['hash', '--commit', 'HEAD']).stdout.trim());
  });

  it('two wf processes at once both land their change', async () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    const results = await Promise.all(['A-1', 'A-2', 'A-3', 'A-4'].map((id) => repo.wfAsync(['task', 'start', id])));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(Object.keys(state(repo).tasks).sort()).toEqual(['A-1', 'A-2', 'A-3', 'A-4']);
    expectCode(repo.wf(['audit', 'verify']), 0);
  });
});

describe('--json everywhere it reports', () => {
  it('errors come back as JSON with the exit code', () => {
    const repo = track(makeRepo());
    expectCode(repo.wf(['init', '--yes']), 0);
    const result = repo.wf(['status', '--json']);
    expectCode(result, 2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { exitCode: 2, message: 'no active task' } });
  });

  it('task list, todo list, audit show and hash answer in JSON', () => {
    const repo = track(plannedRepo());
    expect(JSON.parse(repo.wf(['task', 'list', '--json']).stdout)[0]).toMatchObject({ id: 'T-1', step: 'implement' });
    expect(JSON.parse(repo.wf(['todo', 'list', '--json']).stdout)).toEqual({ taskId: 'T-1', todos: [] });
    expect(JSON.parse(repo.wf(['audit', 'show', '--json']).stdout)).toHaveLength(3);
    expect(JSON.parse(repo.wf(['hash', '--json']).stdout).fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const schema = JSON.parse(readFileSync(join(repo.dir, '.claude/task-state.json'), 'utf8'));
    expect(schema.version).toBe(1);
  });
});
