import { type Task, mutateStore, type StoreTransaction } from '../state/index.js';
import { getTask } from '../tasks/index.js';
import { openTaskContext } from './task-context.js';

/** Resolves the task, then changes it under the store lock on a freshly re-read state. */
export async function changeTask<T>(taskId: string | undefined, change: (tx: StoreTransaction, task: Task) => T): Promise<{ task: Task; value: T }> {
  const { repo, resolution } = await openTaskContext(taskId);
  const { value } = await mutateStore(repo.root, (tx) => {
    const task = getTask(tx.state, resolution.task.id);
    return { task, value: change(tx, task) };
  });
  return value;
}
