import { commitTask, type CommitIdentity } from '../commit/index.js';
import { CONFIG_FILE, effectiveConfig, readConfig, type WfConfig } from '../config/index.js';
import { isWfError, refused } from '../errors/index.js';
import { approvalsFor, collectStagedChange, describeCommand, gateInputsFor, gatesFor } from '../gates/index.js';
import { currentBranch, openRepo, type Repo } from '../git/index.js';
import { runReviews, type ReviewerOutcome } from '../review/index.js';
import { mutateStore, readState, type Task } from '../state/index.js';
import { getTask, resolveTask, reuseTestRun } from '../tasks/index.js';
import type { NextAction } from './next.js';
import { nextFromEvidence } from './next-context.js';
import { testStagedChange } from './test-step.js';
import { plural } from '../text/index.js';

/**
 * `wf ship`: from the staged change, advance as far as the evidence allows in
 * one command: the tests unless a passing run of the configured command on
 * this fingerprint exists, the reviewers that have not approved it yet, then
 * the commit through the gates. It stops at the first thing that fails and
 * ends with the single next action. Every step is the same code `wf test`,
 * `wf review run` and `wf commit` run, so it records what they record and
 * commits nothing the hooks would refuse.
 */
export type StageName = 'plan-review' | 'tests' | 'review' | 'commit';

export interface ShipStage {
  stage: StageName;
  status: 'passed' | 'skipped' | 'failed' | 'needs-revision';
  detail: string;
  /** Tests: the tail of their output when they failed. Reviews: each reviewer's outcome. */
  output?: string | undefined;
  reviewers?: ReviewerOutcome[] | undefined;
  commit?: string | undefined;
}

export interface ShipReport {
  taskId: string;
  committed: boolean;
  commit: string | null;
  fingerprint: string | null;
  stages: ShipStage[];
  next: NextAction;
  /** 0 committed (or the plan approved), 1 a gate, the tests or a reviewer refused. */
  exitCode: 0 | 1;
}

export interface ShipRequest {
  taskId?: string | undefined;
  message?: string | undefined;
  cwd?: string | undefined;
  onProgress?: (line: string) => void;
  onOutput?: (chunk: string) => void;
  /** Author and committer of the commit (wf fix's bot); unset: git's configured identity. */
  identity?: CommitIdentity | undefined;
  /** Run the tests and every reviewer again rather than reuse recorded runs (wf fix: the code under test could have written them). */
  freshEvidence?: boolean | undefined;
}

interface Context {
  repo: Repo;
  config: WfConfig;
  task: Task;
}

async function open(req: ShipRequest, taskId?: string): Promise<Context> {
  const repo = await openRepo(req.cwd);
  const config = await effectiveConfig(repo, readConfig(repo.root));
  const state = readState(repo.root);
  const task = taskId ? getTask(state, taskId) : resolveTask(state, { explicit: req.taskId, env: process.env.WF_TASK_ID, branch: currentBranch(repo) }).task;
  return { repo, config, task };
}

async function nextFor(ctx: Context): Promise<NextAction> {
  const fresh = await open({ cwd: ctx.repo.root }, ctx.task.id);
  const staged = await collectStagedChange(fresh.repo, fresh.config);
  return nextFromEvidence({ root: fresh.repo.root, task: fresh.task, config: fresh.config, staged, gates: gatesFor(gateInputsFor(fresh.repo, fresh.config, fresh.task, staged)) });
}

const reviewerNames = (outcomes: readonly ReviewerOutcome[], status: string) =>
  outcomes.filter((o) => o.outcome === 'recorded' && o.status === status).map((o) => o.reviewer);

function reviewStage(stage: 'plan-review' | 'review', outcomes: ReviewerOutcome[], minApprovals: number, approvedBefore: string[]): ShipStage {
  const revised = outcomes.filter((o) => o.outcome === 'recorded' && o.status === 'needs-revision');
  if (revised.length > 0) {
    return { stage, status: 'needs-revision', detail: `${revised.map((o) => o.reviewer).join(', ')} asked for changes`, output: revised.map((o) => (o.outcome === 'recorded' ? `${o.reviewer}:\n${o.notes}` : '')).join('\n\n'), reviewers: outcomes };
  }
  const approved = [...new Set([...approvedBefore, ...reviewerNames(outcomes, 'approved')])];
  const failures = outcomes.filter((o) => o.outcome === 'failed');
  if (approved.length >= minApprovals) return { stage, status: 'passed', detail: `approved by ${approved.join(', ')}`, reviewers: outcomes };
  return { stage, status: 'failed', detail: failures.length ? failures.map((f) => (f.outcome === 'failed' ? f.message : '')).join('; ') : `${approved.length} of ${plural(minApprovals, 'approval')}`, reviewers: outcomes };
}

export async function ship(req: ShipRequest): Promise<ShipReport> {
  const progress = req.onProgress ?? (() => undefined);
  const ctx = await open(req);
  const { repo, config } = ctx;
  const id = ctx.task.id;
  const stages: ShipStage[] = [];
  const stop = async (exitCode: 0 | 1, fingerprint: string | null): Promise<ShipReport> => ({ taskId: id, committed: false, commit: null, fingerprint, stages, next: await nextFor(ctx), exitCode });

  if (ctx.task.status === 'finished') throw refused(`task ${id} is finished`, { hint: 'wf task start <id>   for new work' });
  if (ctx.task.step === 'plan') return stop(1, null);
  if (ctx.task.step === 'plan-review') {
    if (Object.keys(config.reviewers).length === 0) return stop(1, null);
    progress(`wf ship: plan review of task ${id}`);
    const report = await runReviews({ taskId: id, step: 'plan-review', cwd: repo.root, onProgress: progress });
    const stage = reviewStage('plan-review', report.reviewers, 1, []);
    stages.push(stage);
    return stop(stage.status === 'passed' ? 0 : 1, report.fingerprint);
  }

  const staged = await collectStagedChange(repo, config);
  if (staged.files.size === 0) return stop(1, null);
  // Gates only the agent or a person can satisfy stop it before anything runs.
  const blocking = gatesFor(gateInputsFor(repo, config, ctx.task, staged)).filter((g) => g.status === 'fail' && ['plan', 'plan-review', 'subtask', 'todos', 'context'].includes(g.id));
  if (blocking.length > 0) return stop(1, staged.fingerprint);

  if (config.steps.test) {
    const configured = describeCommand(config.test.command);
    const passed = req.freshEvidence ? undefined : [...ctx.task.tests].reverse().find((t) => t.fingerprint === staged.fingerprint && t.command === configured);
    if (passed?.passed) {
      // Sent back to implement by a review since that run: the run still stands for this exact code.
      if (ctx.task.step === 'implement') await mutateStore(repo.root, (tx) => reuseTestRun(tx, getTask(tx.state, id), passed, config));
      stages.push({ stage: 'tests', status: 'skipped', detail: `a passing run of ${configured} on this fingerprint exists (${passed.at})` });
    }
    else {
      progress(`wf ship: running the tests (${configured}) on ${staged.fingerprint.slice(0, 12)}…`);
      let outcome;
      try {
        ({ outcome } = await testStagedChange({ repo, config, task: ctx.task, onOutput: req.onOutput }));
      } catch (err) {
        // Refusals before or after the run (unstaged edits, the index moved, Ctrl-C) are this stage's result.
        if (!isWfError(err) || err.exitCode !== 1) throw err;
        stages.push({ stage: 'tests', status: 'failed', detail: err.hint ? `${err.message} (next: ${err.hint})` : err.message });
        return stop(1, staged.fingerprint);
      }
      const detail = outcome.passed ? `passed in ${Math.round(outcome.durationMs)} ms` : outcome.timedOut ? `timed out after ${config.test.timeoutSeconds} s` : `failed (exit ${outcome.exitCode})`;
      stages.push({ stage: 'tests', status: outcome.passed ? 'passed' : 'failed', detail, ...(outcome.passed ? {} : { output: outcome.tail }) });
      if (!outcome.passed) return stop(1, staged.fingerprint);
    }
  }

  if (config.steps.review) {
    const task = getTask(readState(repo.root), id);
    const approvedBefore = req.freshEvidence ? [] : approvalsFor(task, 'review', staged.fingerprint, config).map((r) => r.reviewer);
    const minApprovals = config.review.minApprovals;
    if (approvedBefore.length >= minApprovals) stages.push({ stage: 'review', status: 'skipped', detail: `already approved by ${approvedBefore.join(', ')}` });
    else {
      const missing = Object.keys(config.reviewers).filter((r) => !approvedBefore.includes(r));
      if (missing.length === 0) {
        stages.push({ stage: 'review', status: 'failed', detail: `${approvedBefore.length} of ${plural(minApprovals, 'approval')}, and no configured reviewer is left to ask (${CONFIG_FILE}: reviewers)` });
        return stop(1, staged.fingerprint);
      }
      progress(`wf ship: reviewers ${missing.join(', ')} on ${staged.fingerprint.slice(0, 12)}…`);
      const report = await runReviews({ taskId: id, step: 'review', reviewers: missing, cwd: repo.root, onProgress: progress });
      const stage = reviewStage('review', report.reviewers, minApprovals, approvedBefore);
      stages.push(stage);
      if (stage.status !== 'passed') return stop(1, staged.fingerprint);
    }
  }

  const message = req.message?.trim() ? req.message : ctx.task.title;
  try {
    const result = await commitTask({ taskId: id, message, cwd: repo.root, identity: req.identity });
    stages.push({ stage: 'commit', status: 'passed', detail: `committed ${result.commit.slice(0, 12)}`, commit: result.commit });
    return { taskId: id, committed: true, commit: result.commit, fingerprint: result.fingerprint, stages, next: await nextFor(ctx), exitCode: 0 };
  } catch (err) {
    if (!isWfError(err) || err.exitCode !== 1) throw err;
    stages.push({ stage: 'commit', status: 'failed', detail: err.message });
    return stop(1, staged.fingerprint);
  }
}
