import { readConfig } from '../config/index.js';
import { isWfError } from '../errors/index.js';
import { gateInputsFor, gatesFor, nextCommandFor, refusedGates, renderGateChecklist, startStagedCollection } from '../gates/index.js';
import { readStateFile } from '../state/index.js';
import { loadHookContext, resolveHookTask } from '../tasks/index.js';

/**
 * What the guards ask of the task state, loaded only when a command needs it
 * (a `git commit`, the stop hook). Static imports, so the bundle of the fast
 * path keeps only what these two functions reach.
 */

/** Runs the same gates as the pre-commit hook; a refusal text, or null when the commit would pass. */
export async function gateVerdict(dir: string): Promise<string | null> {
  try {
    const ctx = await loadHookContext(dir);
    const collection = startStagedCollection(ctx.repo, ctx.config);
    let results;
    let task;
    try {
      ({ task } = resolveHookTask(ctx));
      results = gatesFor(gateInputsFor(ctx.repo, await collection.config, task, await collection.staged));
    } finally {
      await collection.close();
    }
    return refusedGates(results).length > 0 ? `git commit would be refused for task ${task.id}:\n${renderGateChecklist(results)}` : null;
  } catch (err) {
    if (isWfError(err)) return `git commit would be refused: ${err.message}${err.hint ? ` (next: ${err.hint})` : ''}`;
    throw err;
  }
}


/** Each active leaf task left mid-step, with the command that moves it on. */
export function unfinishedSteps(root: string): string[] {
  const state = readStateFile(root);
  const config = readConfig(root);
  return Object.values(state.tasks)
    .filter((t) => t.status === 'active' && t.childIds.length === 0 && t.step !== 'implement')
    .map((t) => `task ${t.id} is at step ${t.step}; next: ${nextCommandFor(config, t.step, t.id)}`);
}
