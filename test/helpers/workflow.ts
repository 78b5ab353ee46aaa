import { expect } from 'vitest';
import { makeRepo, REAL_PLAN, realId, type TestRepo } from './repo.js';

/** Sets config fields in a repo's .claude/wf.config.json. */
export function patchConfig(repo: TestRepo, patch: (config: Record<string, any>) => void): void {
  const config = JSON.parse(repo.read('.claude/wf.config.json'));
  patch(config);
  repo.write('.claude/wf.config.json', `${JSON.stringify(config, null, 2)}\n`);
}

export function expectCode(result: { code: number; stdout: string; stderr: string }, code: number): void {
  if (result.code !== code) {
    throw new Error(`expected exit ${code}, got ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  expect(result.code).toBe(code);
}

/**
 * A repo with wf initialised (hooks installed), a passing test script, and
 * task T-1 planned and plan-approved: ready to implement.
 */
export function plannedRepo(options: { taskId?: string; hooks?: boolean } = {}): TestRepo {
  const repo = makeRepo();
  const id = options.taskId ?? 'T-1';
  repo.write('test.mjs', "import { readFileSync } from 'node:fs';\nif (readFileSync('src/app.txt', 'utf8').includes('FAIL')) process.exit(1);\nconsole.log('ok');\n");
  repo.write('src/app.txt', 'hello\n');
  expectCode(repo.wf(['init', '--yes', ...(options.hooks === false ? ['--no-hooks'] : [])]), 0);
  patchConfig(repo, (c) => {
    c.test.command = ['node', 'test.mjs'];
  });
  expectCode(repo.wf(['task', 'start', id, '--title', 'A test task']), 0);
  expectCode(repo.wf(['plan', '--task-id', id]), 0);
  repo.write(`.claude/subtasks/${id}/plan.md`, REAL_PLAN);
  expectCode(repo.wf(['plan', '--task-id', id]), 0);
  expectCode(repo.wf(['record-review', '--task-id', id, '--step', 'plan-review', '--reviewer', 'alice', '--continuation-id', realId(0), '--status', 'approved']), 0);
  return repo;
}

/** Stage everything, run wf test and record an approval from `reviewer`. */
export function testAndApprove(repo: TestRepo, reviewer = 'alice', n = 1, taskId = 'T-1'): void {
  repo.gitOk(['add', '-A']);
  expectCode(repo.wf(['test', '--task-id', taskId]), 0);
  expectCode(repo.wf(['record-review', '--task-id', taskId, '--reviewer', reviewer, '--continuation-id', realId(n), '--status', 'approved']), 0);
}
