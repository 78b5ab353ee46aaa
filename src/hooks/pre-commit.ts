import { gateInputsFor, startStagedCollection, gatesFor, refusedGates, renderGateChecklist } from '../gates/index.js';
import { ExitCode, usageError } from '../errors/index.js';
import { isAmendInProgress } from './amend.js';
import { isCleanMergeInProgress } from './clean-merge.js';
import { loadHookContext, resolveHookTask } from '../tasks/index.js';

/** `wf hook pre-commit`: gates 1–5 on exactly what git is about to commit (GIT_INDEX_FILE honoured). */
export async function runPreCommit(args: string[]): Promise<number> {
  if (args.length > 0) throw usageError(`wf hook pre-commit takes no arguments (got ${args.join(' ')})`, { hint: 'wf hooks install' });
  const ctx = await loadHookContext();
  if (await isCleanMergeInProgress(ctx.repo)) {
    process.stderr.write('wf: clean merge (identical to git\'s automatic merge): no gates apply\n');
    return ExitCode.Ok;
  }
  if (isAmendInProgress()) {
    // The amended commit's change is HEAD^ → index; commit-msg checks its trailer against exactly that.
    return ExitCode.Ok;
  }
  const collection = startStagedCollection(ctx.repo, ctx.config);
  let results;
  let task;
  let rule;
  let config;
  try {
    ({ task, rule } = resolveHookTask(ctx));
    config = await collection.config;
    results = gatesFor(gateInputsFor(ctx.repo, config, task, await collection.staged));
  } finally {
    await collection.close();
  }
  const failures = refusedGates(results);
  const warnings = results.filter((r) => r.status === 'warn');
  if (failures.length === 0 && warnings.length === 0) return ExitCode.Ok;
  const header = failures.length > 0 ? `wf: commit refused for task ${task.id} (picked by ${rule}):` : `wf: task ${task.id} (picked by ${rule}), gates warn${config.mode === 'warn' ? ' (mode: warn)' : ''}:`;
  process.stderr.write(`${header}\n${renderGateChecklist(results)}\n`);
  return failures.length > 0 ? ExitCode.Refused : ExitCode.Ok;
}
