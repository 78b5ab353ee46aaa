import { gateInputsFor, startStagedCollection, gatesFor, refusedGates, renderGateChecklist } from '../gates/index.js';
import { ExitCode, usageError } from '../errors/index.js';
import { isAmendInProgress } from './amend.js';
import { writeHookMessage } from './exit-contract.js';
import { isCleanMergeInProgress } from './clean-merge.js';
import { writeStagedHandoff } from './staged-handoff.js';
import { loadHookContext, resolveHookTask } from '../tasks/index.js';
import { runGit, type Repo } from '../git/index.js';
import { STATE_FILE } from '../state/index.js';
import { AUDIT_FILE } from '../audit/index.js';

/**
 * wf's own files in a commit lose data: the state is each checkout's own, and an ignored audit log that
 * is tracked anyway is one git treats as expendable (a git pull replaces the local copy without a word).
 * A tracked audit log that is not ignored is a choice (CI then checks it grows) and rides along.
 */
async function toolFileProblem(repo: Repo, toolFiles: readonly string[]): Promise<string | null> {
  if (toolFiles.includes(STATE_FILE)) {
    return `it would commit ${STATE_FILE}, which is this checkout's own: tracked, git pull replaces every other checkout's tasks and reviews with it\nnext: git restore --staged ${STATE_FILE}  (git rm --cached ${STATE_FILE} if it is tracked), and keep it in .gitignore`;
  }
  if (toolFiles.includes(AUDIT_FILE)) {
    const ignored = await runGit(['check-ignore', '-q', '--no-index', '--', AUDIT_FILE], { cwd: repo.root, env: repo.env, okExitCodes: [1] });
    if (ignored.exitCode === 0) {
      return `it would commit ${AUDIT_FILE} while .gitignore ignores it, so git would treat every other checkout's log as expendable\nnext: git restore --staged ${AUDIT_FILE}, or track it on purpose: remove it from .gitignore first`;
    }
  }
  return null;
}

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
  const staged = await collection.staged;
  const toolProblem = await toolFileProblem(ctx.repo, staged.toolFiles);
  if (toolProblem) {
    writeHookMessage(`wf: commit refused: ${toolProblem}`);
    return ExitCode.Refused;
  }
  const failures = refusedGates(results);
  const warnings = results.filter((r) => r.status === 'warn');
  // commit-msg of this same commit needs the fingerprint and the config again: it is handed over.
  if (failures.length === 0) writeStagedHandoff(ctx.repo, staged.fingerprint, config);
  if (failures.length === 0 && warnings.length === 0) return ExitCode.Ok;
  const header = failures.length > 0 ? `wf: commit refused for task ${task.id} (picked by ${rule}):` : `wf: task ${task.id} (picked by ${rule}), gates warn${config.mode === 'warn' ? ' (mode: warn)' : ''}:`;
  writeHookMessage(`${header}\n${renderGateChecklist(results)}`);
  return failures.length > 0 ? ExitCode.Refused : ExitCode.Ok;
}
