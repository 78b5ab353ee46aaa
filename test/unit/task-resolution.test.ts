import { describe, expect, it } from 'vitest';
import { newTask } from '../../src/tasks/operations.js';
import { idsInBranch, resolveTask } from '../../src/tasks/resolution.js';
import { WfError } from '../../src/errors/index.js';
import type { State } from '../../src/state/model.js';

const stateWith = (...ids: string[]): State => ({ version: 1, tasks: Object.fromEntries(ids.map((id) => [id, newTask(id, id, null, false)])) });

describe('task ids in branch names', () => {
  it.each([
    ['feature/P1T13-F5c-rollup', ['P1T13-F5', 'P1T13-F5c'], ['P1T13-F5c']],
    ['feature/P1T13-F5-rollup', ['P1T13-F5', 'P1T13-F5c'], ['P1T13-F5']],
    ['P1T13-F5', ['P1T13-F5', 'P1T13'], ['P1T13-F5', 'P1T13']],
    ['fix/proj-12', ['PROJ-12'], []],
    ['wip/PROJ-123', ['PROJ-12'], []],
    ['a/PROJ-12/b', ['PROJ-12', 'PROJ-1'], ['PROJ-12']],
  ])('%s', (branch, ids, expected) => {
    expect(idsInBranch(branch, ids)).toEqual(expected);
  });
});

describe('resolveTask', () => {
  it('prefers --task-id, then WF_TASK_ID, then the branch, then the single active task', () => {
    const state = stateWith('A-1', 'B-2');
    expect(resolveTask(state, { explicit: 'A-1', env: 'B-2' })).toMatchObject({ rule: '--task-id', task: { id: 'A-1' } });
    expect(resolveTask(state, { env: 'B-2', branch: 'x/A-1' })).toMatchObject({ rule: 'WF_TASK_ID', task: { id: 'B-2' } });
    expect(resolveTask(state, { branch: 'x/A-1' })).toMatchObject({ rule: 'branch', task: { id: 'A-1' } });
    expect(resolveTask(stateWith('A-1'), { branch: 'main' })).toMatchObject({ rule: 'single active task' });
  });

  it('lists the candidates instead of guessing', () => {
    try {
      resolveTask(stateWith('A-1', 'B-2'), { branch: 'main' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(WfError);
      expect((err as WfError).exitCode).toBe(2);
      expect((err as WfError).message).toContain('A-1, B-2');
    }
  });

  it('a parent with an active child is not a candidate: the work happens in the child', () => {
    const state = stateWith('P', 'C');
    state.tasks.P!.childIds = ['C'];
    state.tasks.C!.parentId = 'P';
    expect(resolveTask(state, {}).task.id).toBe('C');
  });

  it('refuses unknown and invalid ids with exit 2', () => {
    expect(() => resolveTask(stateWith('A-1'), { explicit: 'Z-9' })).toThrow(/unknown task "Z-9"/);
    expect(() => resolveTask(stateWith('A-1'), { env: '../x' })).toThrow(/invalid task id/);
  });
});
