import type { WfConfig } from '../config/index.js';
import { planProblem } from './plan-check.js';
import { latestConfiguredRun } from './command-text.js';
import type { ReviewRecord, Task } from '../state/index.js';
import { commandToAdvance, type Step } from '../workflow/index.js';
import { plural } from '../text/index.js';
import { globToRegExp } from '../fingerprint/index.js';

/**
 * The gates: one pure implementation used by `wf commit`, `wf status`, the
 * pre-commit hook and the agent guard. Inputs are evidence wf gathered
 * itself (the staged fingerprint, the plan file's bytes, recorded test runs
 * and reviews bound to fingerprints), never a flag someone set.
 */
export type GateId = 'staged' | 'plan' | 'plan-review' | 'subtask' | 'todos' | 'tests' | 'review' | 'context';
export type GateStatus = 'pass' | 'fail' | 'warn' | 'off';

export interface GateResult {
  id: GateId;
  title: string;
  status: GateStatus;
  detail: string;
  /** The exact command that satisfies a missing gate. */
  fix?: string;
}

export interface StagedChange {
  fingerprint: string;
  /** Path → SHA-256 of the new side (zeros for a deletion), after excludes. */
  files: ReadonlyMap<string, string>;
  /** Lines added plus removed, from numstat. */
  lines: number;
  /** The same per file (binary files count 0), for the complexity gate's exclude. */
  lineCounts: ReadonlyMap<string, number>;
}

export interface PlanFile {
  /** Null when the registered plan file is missing. */
  text: string | null;
  digest: string | null;
}

export interface GateInputs {
  task: Task;
  config: WfConfig;
  staged: StagedChange;
  plan: PlanFile;
  planTemplate: string;
  /** For a subtask: does `.claude/subtasks/<id>/` exist? */
  subtaskDirExists: boolean;
}

/** The latest verdict of each reviewer on one fingerprint: a later needs-revision withdraws an approval. */
export function latestVerdicts(reviews: readonly ReviewRecord[], step: ReviewRecord['step'], fingerprint: string): ReviewRecord[] {
  const byReviewer = new Map<string, ReviewRecord>();
  for (const r of reviews) if (r.step === step && r.fingerprint === fingerprint) byReviewer.set(r.reviewer, r);
  return [...byReviewer.values()];
}

/**
 * Whether a review record counts under this config. With review.allowManual
 * false an approval counts only when wf review run read it from the reviewer;
 * a needs-revision always counts, because a veto can only make things stricter.
 */
export function reviewCounts(review: ReviewRecord, config: Pick<WfConfig, 'review'>): boolean {
  return config.review.allowManual || review.via === 'run' || review.status === 'needs-revision';
}

/** The approvals of one fingerprint that count: each reviewer's latest verdict (among records that count) is an approval. */
export function approvalsFor(task: Task, step: ReviewRecord['step'], fingerprint: string, config: Pick<WfConfig, 'review'>): ReviewRecord[] {
  const counted = config.review.allowManual ? task.reviews : task.reviews.filter((r) => reviewCounts(r, config));
  return latestVerdicts(counted, step, fingerprint).filter((r) => r.status === 'approved');
}

/** Files whose content differs between a reviewed change and the staged one. */
export function filesChangedSince(reviewed: Readonly<Record<string, string>>, staged: ReadonlyMap<string, string>): string[] {
  const changed = new Set<string>();
  for (const [path, digest] of staged) if (reviewed[path] !== digest) changed.add(path);
  for (const path of Object.keys(reviewed)) if (!staged.has(path)) changed.add(path);
  return [...changed].sort();
}

/**
 * Whether the task is complex. Files matching `complexity.exclude` (lock
 * files, by default) are left out of the counts only: they stay in the
 * fingerprint and the review, since a lock file can hide a changed
 * dependency, but a dependency bump is not 8 files or 400 lines of thought.
 */
export function isComplex(task: Task, staged: StagedChange, config: WfConfig): { complex: boolean; why: string } {
  if (task.complex) return { complex: true, why: 'the task is flagged --complex' };
  const excluded = config.complexity.exclude.map(globToRegExp);
  let files = 0;
  let lines = 0;
  for (const path of staged.files.keys()) {
    if (excluded.some((re) => re.test(path))) continue;
    files++;
    lines += staged.lineCounts.get(path) ?? 0;
  }
  const left = staged.files.size - files;
  const besides = left > 0 ? `, not counting ${plural(left, 'file')} in complexity.exclude` : '';
  if (files > config.complexity.maxFiles) return { complex: true, why: `the staged change touches ${plural(files, 'file')} (> ${config.complexity.maxFiles}${besides})` };
  if (lines > config.complexity.maxLines) return { complex: true, why: `the staged change has ${lines} changed lines (> ${config.complexity.maxLines}${besides})` };
  return { complex: false, why: '' };
}

/**
 * The command that gets a review recorded: `wf review run` when reviewers are
 * configured or manual reviews are off (the verdict then comes from the
 * reviewer itself), else the manual `wf record-review`.
 */
export function reviewCommand(config: Pick<WfConfig, 'reviewers' | 'review'>, step: 'plan-review' | 'review', taskId?: string): string {
  const task = taskId === undefined ? '' : ` --task-id ${taskId}`;
  return Object.keys(config.reviewers).length > 0 || !config.review.allowManual
    ? `wf review run${task} --step ${step}`
    : `wf record-review${task} --step ${step} --reviewer <name> --continuation-id <id> --status approved`;
}

/** The command that moves a task on from `step` under this config (a review step names the way reviews are recorded here). */
export function nextCommandFor(config: Pick<WfConfig, 'reviewers' | 'review'>, step: Step, taskId?: string): string {
  return step === 'plan-review' || step === 'review' ? reviewCommand(config, step, taskId) : commandToAdvance(step);
}

/** Says why approvals typed in by hand do not count, when they are all there is. */
function byHandOnly(task: Task, step: ReviewRecord['step'], fingerprint: string | null, config: Pick<WfConfig, 'review'>): string | null {
  if (config.review.allowManual || fingerprint === null) return null;
  const manual = latestVerdicts(task.reviews, step, fingerprint).filter((r) => r.status === 'approved' && !reviewCounts(r, config));
  if (manual.length === 0) return null;
  return `approved only by hand (${manual.map((r) => r.reviewer).join(', ')}); review.allowManual is false, so only verdicts wf review run read from a reviewer count`;
}

export function gatesFor(inputs: GateInputs): GateResult[] {
  const { task, config, staged, plan } = inputs;
  const id = task.id;
  const results: GateResult[] = [];
  const warnMode = config.mode === 'warn';
  const add = (gate: Omit<GateResult, 'status'> & { ok: boolean; soft?: boolean }) => {
    const { ok, soft, ...rest } = gate;
    results.push({ ...rest, status: ok ? 'pass' : soft || warnMode ? 'warn' : 'fail' });
  };

  add({
    id: 'staged',
    title: 'a change is staged',
    ok: staged.files.size > 0,
    detail: staged.files.size > 0 ? `${plural(staged.files.size, 'file')}, fingerprint ${staged.fingerprint.slice(0, 12)}` : 'nothing is staged (outside wf\'s own state files)',
    fix: 'git add <files>',
  });

  if (task.parentId !== null) {
    add({
      id: 'subtask',
      title: 'subtask folder present',
      ok: inputs.subtaskDirExists,
      detail: inputs.subtaskDirExists ? `.claude/subtasks/${id}/` : `.claude/subtasks/${id}/ is missing`,
      fix: `wf plan --task-id ${id}   (recreates the folder and the plan)`,
    });
  }

  const problem = task.plan === null ? 'no plan is registered' : plan.text === null ? `the plan file ${task.plan.path} is missing` : planProblem(plan.text, inputs.planTemplate, config.plan.minWords);
  add({
    id: 'plan',
    title: 'a real plan is registered',
    ok: problem === null,
    detail: problem ?? `${task.plan!.path}`,
    fix: `wf plan --task-id ${id}`,
  });

  if (config.steps['plan-review']) {
    const approved = plan.digest !== null && approvalsFor(task, 'plan-review', plan.digest, config).length > 0;
    const byHand = approved ? null : byHandOnly(task, 'plan-review', plan.digest, config);
    const reviewedOther = !approved && byHand === null && task.reviews.some((r) => r.step === 'plan-review' && r.status === 'approved');
    let detail = 'no approving plan review';
    if (approved) detail = 'approved';
    else if (byHand !== null) detail = byHand;
    else if (reviewedOther) detail = 'the plan changed after it was approved: the approval was for other text';
    add({
      id: 'plan-review',
      title: 'the plan is approved',
      ok: approved,
      detail,
      // Re-registering the plan is what makes a new plan review legal once the task has moved past plan-review.
      fix: reviewedOther || byHand !== null ? `wf plan --task-id ${id} && ${reviewCommand(config, 'plan-review', id)}` : reviewCommand(config, 'plan-review', id),
    });
  } else results.push({ id: 'plan-review', title: 'the plan is approved', status: 'off', detail: 'steps.plan-review is off in the config' });

  const complexity = isComplex(task, staged, config);
  if (complexity.complex) {
    const todos = task.todos.length;
    add({
      id: 'todos',
      title: 'a complex task has todos',
      ok: todos > 0,
      detail: todos > 0 ? `${plural(todos, 'todo')}; complex because ${complexity.why}` : `complex because ${complexity.why}, and no todo is recorded`,
      fix: `wf todo add --task-id ${id} "<next concrete step>"`,
    });
  } else results.push({ id: 'todos', title: 'a complex task has todos', status: 'pass', detail: 'not complex' });

  if (config.steps.test) {
    const latest = latestConfiguredRun(task.tests, staged.fingerprint, config.test.command);
    const anyRun = task.tests[task.tests.length - 1];
    add({
      id: 'tests',
      title: 'tests passed on exactly this code',
      ok: latest?.passed === true,
      detail: latest
        ? latest.passed
          ? `passed (${latest.command}, ${Math.round(latest.durationMs)} ms)`
          : `the last run on this code failed (exit ${latest.exitCode ?? (latest.timedOut ? 'timeout' : 'signal')})`
        : anyRun
          ? 'the code changed since the last test run'
          : 'no test run recorded',
      fix: `wf test --task-id ${id}`,
    });
  } else results.push({ id: 'tests', title: 'tests passed on exactly this code', status: 'off', detail: 'steps.test is off in the config' });

  if (config.steps.review) {
    const approvals = approvalsFor(task, 'review', staged.fingerprint, config);
    const need = config.review.minApprovals;
    let detail: string;
    if (approvals.length >= need) detail = `approved by ${approvals.map((r) => r.reviewer).join(', ')}`;
    else if (approvals.length > 0) detail = `${approvals.length} of ${need} distinct approving reviewers (${approvals.map((r) => r.reviewer).join(', ')})`;
    else {
      const byHand = byHandOnly(task, 'review', staged.fingerprint, config);
      const lastApproved = [...task.reviews].reverse().find((r) => r.step === 'review' && r.status === 'approved');
      if (byHand !== null) detail = byHand;
      else if (lastApproved?.files) {
        const changed = filesChangedSince(lastApproved.files, staged.files);
        const shown = changed.slice(0, 8).join(', ') + (changed.length > 8 ? ` and ${changed.length - 8} more` : '');
        detail = `the code changed after it was reviewed: ${shown || 'the change differs'}`;
      } else if (lastApproved) detail = 'the code changed after it was reviewed';
      else detail = 'no approving review of this code';
    }
    add({ id: 'review', title: `reviewed: ${plural(need, 'approval')} of exactly this code`, ok: approvals.length >= need, detail, fix: reviewCommand(config, 'review', id) });
  } else results.push({ id: 'review', title: 'reviewed', status: 'off', detail: 'steps.review is off in the config' });

  const context = task.context;
  if (context) {
    const used = context.used / context.limit;
    const pct = `${Math.round(used * 100)}%`;
    const fix = 'delegate to a subagent or compact the conversation, then: wf context record --used <tokens> --limit <tokens>';
    if (used > config.context.blockAt) add({ id: 'context', title: 'context window has room', ok: false, detail: `${pct} used (block above ${Math.round(config.context.blockAt * 100)}%)`, fix });
    else if (used > config.context.warnAt) add({ id: 'context', title: 'context window has room', ok: false, soft: true, detail: `${pct} used (warn above ${Math.round(config.context.warnAt * 100)}%)`, fix });
    else add({ id: 'context', title: 'context window has room', ok: true, detail: `${pct} used` });
  } else results.push({ id: 'context', title: 'context window has room', status: 'pass', detail: 'no context use recorded' });

  return results;
}

export function refusedGates(results: readonly GateResult[]): GateResult[] {
  return results.filter((r) => r.status === 'fail');
}

/** Renders the checklist shared by `wf status`, `wf commit` and the hooks. */
export function renderGateChecklist(results: readonly GateResult[], mark: (status: GateStatus) => string = plainMark): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`  ${mark(r.status)} ${r.title}: ${r.detail}`);
    if ((r.status === 'fail' || r.status === 'warn') && r.fix) lines.push(`      → ${r.fix}`);
  }
  return lines.join('\n');
}

export function plainMark(status: GateStatus): string {
  return status === 'pass' ? '✓' : status === 'fail' ? '✗' : status === 'warn' ? '!' : '-';
}
