import { buildTree, drawTree, getTask } from '../tasks/index.js';
import { openRepoContext } from './task-context.js';

export async function printTaskTree(json: boolean, rootId: string | undefined, report: (json: boolean, data: unknown, human: () => string) => void): Promise<void> {
  const { state } = await openRepoContext();
  if (rootId !== undefined) getTask(state, rootId);
  const tree = buildTree(state, rootId);
  report(json, tree, () => (tree.length === 0 ? 'no tasks yet: wf task start <id>' : drawTree(tree, process.stdout.isTTY === true)));
}
