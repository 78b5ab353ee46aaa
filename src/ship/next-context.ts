import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WfConfig } from '../config/index.js';
import { isWfError } from '../errors/index.js';
import { gitText } from '../git/index.js';
import { gateInputsFor, gatesFor, planTemplate, readPlanFile, startStagedCollection, type GateResult } from '../gates/index.js';
import { SUBTASKS_DIR, type Task } from '../state/index.js';
import { loadHookContext, resolveHookTask } from '../tasks/index.js';
import { nextAction, noTaskAction, type NextAction } from './next.js';

/** The next action from evidence already gathered (the gates, the staged fingerprint), reading the plan files it needs. */
export function nextFromEvidence(input: { root: string; task: Task; config: WfConfig; staged: { fingerprint: string; files: ReadonlyMap<string, string> }; gates: readonly GateResult[] }): NextAction {
  const { root, task } = input;
  const draftPath = `${SUBTASKS_DIR}/${task.id}/plan.md`;
  let planDraft: { path: string; text: string } | null = null;
  if (!task.plan) {
    try {
      planDraft = { path: draftPath, text: readFileSync(join(root, draftPath), 'utf8') };
    } catch {
      // No draft yet.
    }
  }
  return nextAction({
    task,
    config: input.config,
    staged: { fingerprint: input.staged.fingerprint, empty: input.staged.files.size === 0 },
    planDigest: readPlanFile(root, task).digest,
    planDraft,
    planTemplate: planTemplate(),
    gates: input.gates,
  });
}

/**
 * HEAD, when it is the reviewed change of a task still waiting at `commit`: committed with a plain `git commit`,
 * which tells wf nothing. Read-only (the fast path takes no lock); the next wf command records it
 * (commit/reconcile.ts, which also checks the commit's own fingerprint).
 */
async function reviewedHead(root: string, env: NodeJS.ProcessEnv, task: Task, config: WfConfig): Promise<string | null> {
  const approved = new Set(config.steps.review ? task.reviews.filter((r) => r.step === 'review' && r.status === 'approved').map((r) => r.fingerprint) : task.tests.filter((t) => t.passed).map((t) => t.fingerprint));
  if (approved.size === 0) return null;
  const out = (await gitText(['log', '-1', '--format=%H%x00%(trailers:key=Review-Hash,valueonly,separator=%x01)', 'HEAD'], { cwd: root, env, okExitCodes: [128] })).trim();
  const [sha, hashes] = out.split('\0');
  if (!sha || task.commits.some((c) => c.sha === sha)) return null;
  const found = (hashes ?? '').split('\x01').map((h) => h.trim()).filter(Boolean);
  return found.length === 1 && approved.has(found[0]!) ? sha : null;
}

/**
 * The evidence `wf next` and the stop hook decide from, gathered the way the
 * git hooks gather it (no zod, no locks, one cat-file process), so they are
 * cheap enough to run on every agent turn.
 */
export async function nextForCwd(cwd: string, taskId?: string): Promise<NextAction> {
  const ctx = await loadHookContext(cwd);
  const collection = startStagedCollection(ctx.repo, ctx.config);
  try {
    // Read first, outside the catch below: no task to pick is an answer, a state wf cannot read is not (exit 2, naming the file).
    ctx.state();
    let task;
    try {
      if (taskId) {
        const found = ctx.state().tasks[taskId];
        if (!found) return noTaskAction(`no task ${taskId} exists`);
        task = found;
      } else task = resolveHookTask(ctx).task;
    } catch (err) {
      if (!isWfError(err)) throw err;
      return noTaskAction(err.message);
    }
    const [staged, config] = [await collection.staged, await collection.config];
    const landed = task.step === 'commit' && staged.files.size === 0 ? await reviewedHead(ctx.repo.root, ctx.repo.env, task, config) : null;
    if (landed) {
      return { taskId: task.id, step: task.step, command: 'wf status', reason: `the reviewed change of task ${task.id} is committed as ${landed.slice(0, 12)} (with git commit); wf status records it and moves the task on`, findings: null };
    }
    return nextFromEvidence({ root: ctx.repo.root, task, config, staged, gates: gatesFor(gateInputsFor(ctx.repo, config, task, staged)) });
  } finally {
    await collection.close();
  }
}
