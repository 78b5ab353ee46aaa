import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../config/index.js';
import { ExitCode, isWfError } from '../errors/index.js';
import { isOwnFile } from '../fingerprint/index.js';
import { runGit } from '../git/index.js';
import { failingTests, nextFromEvidence } from '../ship/index.js';
import { gateInputsFor, gatesFor, nextCommandFor, refusedGates, renderGateChecklist, startStagedCollection } from '../gates/index.js';
import { readStateFile } from '../state/index.js';
import { loadHookContext, resolveHookTask } from '../tasks/index.js';
import { plural } from '../text/index.js';

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

/** Nothing to block on: the next block starts a new run. */
function clearBlocks(gitDir: string, input: { stopHookActive: boolean; sessionId: string }): null {
  const counter = blockCounter(gitDir, input.sessionId);
  if (counter.count !== 0) counter.save(0);
  return null;
}

export type StopVerdict = { decision: 'block'; reason: string } | { systemMessage: string } | null;

/** Consecutive blocks per agent session, in the git folder (not wf's state: it is about one agent session, not the task). */
function blockCounter(gitDir: string, sessionId: string): { count: number; save: (n: number) => void } {
  const file = join(gitDir, 'wf-stop-blocks.json');
  let counts: Record<string, number> = {};
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) counts = doc as Record<string, number>;
  } catch {
    // No file yet, or unreadable: start counting afresh.
  }
  const key = sessionId.slice(0, 200) || 'unknown-session';
  const count = Number.isSafeInteger(counts[key]) ? counts[key]! : 0;
  return {
    count,
    save: (n) => {
      const next = Object.fromEntries(Object.entries({ ...counts, [key]: n }).slice(-50));
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, `${JSON.stringify(next)}\n`);
      renameSync(temp, file);
    },
  };
}

/**
 * What the Stop hook answers. With the stop gate off: a one-time reminder of
 * tasks left mid-step. With it on: a block while the current task has
 * ungated tracked changes, an unaddressed NEEDS_REVISION or failing tests on
 * the staged change, with the findings and the next action; after
 * maxStopBlocks blocks in a row it lets the agent stop and says why.
 */
export async function stopVerdict(root: string, input: { stopHookActive: boolean; sessionId: string }): Promise<StopVerdict> {
  const config = readConfig(root);
  if (!config.agent.stopGate) {
    if (input.stopHookActive) return null;
    const open = unfinishedSteps(root);
    return open.length === 0 ? null : { decision: 'block', reason: `Unfinished workflow ${open.length === 1 ? 'step' : 'steps'}:\n${open.join('\n')}\nFinish the step, or say why you are stopping.` };
  }
  const ctx = await loadHookContext(root);
  let task;
  try {
    ({ task } = resolveHookTask(ctx));
  } catch (err) {
    // No task active (or none can be told apart): nothing to hold the agent to. A state wf cannot read is no such answer.
    if (isWfError(err) && err.exitCode === ExitCode.Refused) return null;
    throw err;
  }
  // Cheapest first, and the full evidence only when there is something to block on: most stops find nothing.
  const problems: string[] = [];
  const last = task.reviews.at(-1);
  if (last && last.status === 'needs-revision') problems.push(`an unaddressed NEEDS_REVISION from ${last.reviewer} (${last.step}):\n${last.notes ?? '(no findings text was recorded)'}`);
  // One git process for staged and unstaged alike: whatever differs from HEAD in tracked files (before the first commit: every tracked file).
  const listing = ctx.repo.headAtOpen
    ? await runGit(['diff-index', '--name-only', '-z', '--no-renames', '--ignore-submodules=none', ctx.repo.headAtOpen, '--'], { cwd: ctx.repo.root, env: ctx.repo.env })
    : await runGit(['ls-files', '-z'], { cwd: ctx.repo.root, env: ctx.repo.env });
  const dirty = listing.stdout.toString('utf8').split('\0').filter((p) => p && !isOwnFile(p));
  if (dirty.length > 0) problems.push(`tracked changes that did not go through the gates: ${dirty.slice(0, 8).join(', ')}${dirty.length > 8 ? ` and ${dirty.length - 8} more` : ''}`);
  const testsFailedLast = task.tests.at(-1)?.passed === false;
  if (problems.length === 0 && !testsFailedLast) return clearBlocks(ctx.repo.gitDir, input);
  const collection = startStagedCollection(ctx.repo, ctx.config);
  let next;
  try {
    const [staged, inForce] = [await collection.staged, await collection.config];
    if (testsFailedLast && staged.files.size > 0 && inForce.steps.test && failingTests(task, inForce, staged.fingerprint)) problems.push('the tests fail on the staged change');
    next = nextFromEvidence({ root: ctx.repo.root, task, config: inForce, staged, gates: gatesFor(gateInputsFor(ctx.repo, inForce, task, staged)) });
  } finally {
    await collection.close();
  }
  if (problems.length === 0) return clearBlocks(ctx.repo.gitDir, input);
  const counter = blockCounter(ctx.repo.gitDir, input.sessionId);
  // A stop that does not follow one of ours starts a new run of blocks: the agent worked in between.
  const previous = input.stopHookActive ? counter.count : 0;
  const what = `task ${task.id}: ${problems.join('; ')}`;
  if (previous >= config.agent.maxStopBlocks) {
    counter.save(0);
    return { systemMessage: `wf: the stop gate held the agent ${plural(previous, 'time')} in a row (agent.maxStopBlocks) and now lets it stop. Still open for ${what}. Next: ${next.command ?? next.reason}` };
  }
  counter.save(previous + 1);
  return { decision: 'block', reason: `Do not stop yet. Open for ${what}\nNext: ${next.command ?? '(an edit)'}: ${next.reason}${next.findings && !problems.some((p) => p.includes(next.findings!)) ? `\nFindings:\n${next.findings}` : ''}` };
}
