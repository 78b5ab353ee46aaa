import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REAL_PLAN, realId, type TestRepo } from '../helpers/repo.js';
import { expectCode, plannedRepo, testAndApprove } from '../helpers/workflow.js';

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
