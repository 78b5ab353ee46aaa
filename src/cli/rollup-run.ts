import { effectiveConfig, readConfig } from '../config/index.js';
import { openRepo } from '../git/index.js';
import { assertTaskId, mutateStore } from '../state/index.js';
import { getTask, rollup } from '../tasks/index.js';
import { plural } from '../text/index.js';

export interface RollupResult {
  changed: number;
  tasks: number;
  /** The subtree root's progress, when one was named. */
  progress: number | null;
}

/** What `wf rollup` does, shared by the oclif command and the fast path (fast-rollup.ts). */
export async function runRollup(taskId: string | undefined): Promise<RollupResult> {
  if (taskId !== undefined) assertTaskId(taskId);
  const repo = await openRepo();
  // The steps in force decide each leaf's share of progress, as for every command that moves a step.
  const config = await effectiveConfig(repo, readConfig(repo.root));
  const { value } = await mutateStore(repo.root, (tx) => {
    if (taskId !== undefined) getTask(tx.state, taskId);
    const changed = rollup(tx.state, config.steps, taskId);
    // rollup counts every value it changes, and changes nothing else.
    if (changed === 0) tx.unchanged();
    const root = taskId !== undefined ? tx.state.tasks[taskId]! : null;
    return { changed, tasks: Object.keys(tx.state.tasks).length, progress: root ? root.progress : null };
  });
  return value;
}

export function renderRollup(value: RollupResult, taskId: string | undefined): string {
  const subtree = value.progress !== null ? `; ${taskId} is at ${Math.round(value.progress * 100)}%` : '';
  return `rolled up ${plural(value.tasks, 'task')}; ${plural(value.changed, 'progress value')} changed${subtree}`;
}
