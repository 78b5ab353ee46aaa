import { readConfig, effectiveConfig, CONFIG_FILE } from '../config/index.js';
import { refused } from '../errors/index.js';
import { collectStagedChange, readPlanFile, reviewedFiles } from '../gates/index.js';
import { type ReviewStatus, type ReviewStep, type ReviewVia, mutateStore, readState } from '../state/index.js';
import { assertReviewInput, getTask, recordReview, resolveTask } from '../tasks/index.js';
import { currentBranch, openRepo } from '../git/index.js';

export interface RecordReviewRequest {
  taskId?: string | undefined;
  step?: ReviewStep | undefined;
  reviewer: string;
  continuationId: string;
  status: ReviewStatus;
  notes?: string | undefined;
  /** When set, the review is recorded only if the evidence (staged fingerprint, or plan digest) still equals it (wf review run). */
  expectedFingerprint?: string | undefined;
  /** `run` only from wf review run, which read the verdict from the reviewer itself; default `manual`. */
  via?: ReviewVia | undefined;
  cwd?: string;
}

export interface RecordedReview {
  taskId: string;
  step: ReviewStep;
  status: ReviewStatus;
  reviewer: string;
  continuationId: string;
  fingerprint: string;
  taskStep: string;
  auditHash: string;
}

/**
 * Binds a verdict to evidence: a code review to the staged fingerprint, a
 * plan review to the plan file's digest. The evidence is gathered before the
 * lock (git can be slow) and the task re-read inside it.
 */
export async function recordReviewForTask(req: RecordReviewRequest): Promise<RecordedReview> {
  assertReviewInput(req.reviewer, req.continuationId);
  const repo = await openRepo(req.cwd);
  const config = await effectiveConfig(repo, readConfig(repo.root));
  const via = req.via ?? 'manual';
  if (via === 'manual' && !config.review.allowManual) {
    throw refused('this repository takes reviews only from wf review run: review.allowManual is false, so a verdict typed in by hand is not recorded', {
      where: CONFIG_FILE,
      hint: 'wf review run   (it starts the configured reviewers and reads their verdicts itself)',
    });
  }
  const state = readState(repo.root);
  const { task } = resolveTask(state, { explicit: req.taskId, env: process.env.WF_TASK_ID, branch: currentBranch(repo) });
  const step: ReviewStep = req.step ?? (task.step === 'plan-review' || task.step === 'plan' ? 'plan-review' : 'review');
  let fingerprint: string;
  let files: Record<string, string> | undefined;
  if (step === 'plan-review') {
    const plan = readPlanFile(repo.root, task);
    if (!task.plan || plan.digest === null) throw refused(`task ${task.id} has no registered plan to review`, { hint: `wf plan --task-id ${task.id}` });
    if (plan.digest !== task.plan.digest) {
      throw refused(`the plan ${task.plan.path} changed after it was registered`, { where: task.plan.path, hint: `register the new text first: wf plan --task-id ${task.id}` });
    }
    if (req.expectedFingerprint && plan.digest !== req.expectedFingerprint) {
      throw refused('the plan changed while the reviewer ran; the verdict was about other text and is not recorded', {
        where: task.plan.path,
        hint: 'register the plan (wf plan), then run the review again',
      });
    }
    fingerprint = plan.digest;
  } else {
    const staged = await collectStagedChange(repo, config);
    if (staged.files.size === 0) throw refused('nothing is staged, so there is no code to bind a review to', { hint: 'git add <files>, then record the review' });
    if (req.expectedFingerprint && staged.fingerprint !== req.expectedFingerprint) {
      throw refused('the staged change moved while the reviewer ran; the verdict was about other code and is not recorded', {
        hint: 'stop editing, then run the review again',
      });
    }
    fingerprint = staged.fingerprint;
    files = reviewedFiles(staged);
  }
  const { value, entries } = await mutateStore(repo.root, (tx) => {
    const fresh = getTask(tx.state, task.id);
    recordReview(tx, fresh, { step, reviewer: req.reviewer, continuationId: req.continuationId, status: req.status, fingerprint, notes: req.notes, files, via }, config);
    return fresh.step;
  });
  return {
    taskId: task.id,
    step,
    status: req.status,
    reviewer: req.reviewer,
    continuationId: req.continuationId,
    fingerprint,
    taskStep: value,
    auditHash: entries[0]!.hash,
  };
}
