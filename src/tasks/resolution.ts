import { usageError } from '../errors/index.js';
import { type State, type Task, isValidTaskId } from '../state/index.js';

/** Which rule picked the task; `wf status` says it so nobody has to guess. */
export type ResolutionRule = '--task-id' | 'WF_TASK_ID' | 'branch' | 'single active task';

export interface TaskResolution {
  task: Task;
  rule: ResolutionRule;
}

export interface ResolutionInputs {
  explicit?: string | undefined;
  env?: string | undefined;
  branch?: string | null | undefined;
}

const ID_CHAR = /[A-Za-z0-9]/;

/** Known ids that appear in the branch as whole tokens, longest first (`feature/P1T13-F5c-rollup` holds P1T13-F5c, not P1T13-F5). */
export function idsInBranch(branch: string, ids: Iterable<string>): string[] {
  const found: string[] = [];
  for (const id of ids) {
    let from = 0;
    for (;;) {
      const at = branch.indexOf(id, from);
      if (at < 0) break;
      const before = at === 0 ? '' : branch[at - 1]!;
      const after = branch[at + id.length] ?? '';
      if (!ID_CHAR.test(before) && !ID_CHAR.test(after)) {
        found.push(id);
        break;
      }
      from = at + 1;
    }
  }
  return found.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/** Active tasks with no active child: the places where work actually happens. */
export function activeLeaves(state: State): Task[] {
  return Object.values(state.tasks).filter(
    (t) => t.status === 'active' && !t.childIds.some((c) => state.tasks[c]?.status === 'active'),
  );
}

function byId(state: State, id: string, rule: ResolutionRule): TaskResolution {
  if (!isValidTaskId(id)) throw usageError(`invalid task id ${JSON.stringify(id)} (from ${rule})`, { hint: 'wf task list' });
  const task = state.tasks[id];
  if (!task) {
    throw usageError(`unknown task ${JSON.stringify(id)} (from ${rule})`, {
      hint: `wf task list   to see the tasks, or: wf task start ${id}`,
    });
  }
  return { task, rule };
}

/**
 * --task-id, else WF_TASK_ID, else the longest known id in the branch name,
 * else the single active task. Ambiguity is an error listing the
 * candidates, never a silent guess.
 */
export function resolveTask(state: State, inputs: ResolutionInputs): TaskResolution {
  if (inputs.explicit) return byId(state, inputs.explicit, '--task-id');
  if (inputs.env) return byId(state, inputs.env, 'WF_TASK_ID');
  if (inputs.branch) {
    const found = idsInBranch(inputs.branch, Object.keys(state.tasks));
    if (found.length > 0) {
      const longest = found.filter((id) => id.length === found[0]!.length);
      if (longest.length > 1) {
        throw usageError(`the branch ${inputs.branch} names several tasks equally: ${longest.join(', ')}`, {
          hint: `pick one with --task-id <id> or WF_TASK_ID=<id>`,
        });
      }
      return { task: state.tasks[found[0]!]!, rule: 'branch' };
    }
  }
  const leaves = activeLeaves(state);
  if (leaves.length === 1) return { task: leaves[0]!, rule: 'single active task' };
  if (leaves.length === 0) {
    throw usageError('no active task', { hint: 'wf task start <id> --title "<what you are doing>"' });
  }
  throw usageError(`several tasks are active, so wf will not guess: ${leaves.map((t) => t.id).join(', ')}`, {
    hint: 'pick one with --task-id <id>, WF_TASK_ID=<id>, or a branch named after the task',
  });
}
