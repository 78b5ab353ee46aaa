import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REVIEWER_NAME_PATTERN, type WfConfig } from '../config/index.js';
import { refused, usageError } from '../errors/index.js';
import { rollupAncestors } from './progress.js';
import { RECORD_HISTORY_LIMIT, SUBTASKS_DIR, type ReviewRecord, type ReviewStatus, type ReviewStep, type ReviewVia, type State, type Task, type TestRecord, type StoreTransaction, assertTaskId } from '../state/index.js';
import { nextStep, STEP_INFO, type Step, type WorkflowEvent } from '../workflow/index.js';
import { isPlaceholderId, placeholderReason } from '../session-id/index.js';
import { approvalsFor, nextCommandFor } from '../gates/index.js';
import { plural } from '../text/index.js';

/**
 * What the workflow commands do to the store, as plain functions over a
 * locked, freshly re-read state. Commands parse flags and render; the rules
 * live here and in workflow.ts.
 */
const now = () => new Date().toISOString();

export function getTask(state: State, id: string): Task {
  const task = state.tasks[id];
  if (!task) throw usageError(`unknown task ${JSON.stringify(id)}`, { hint: 'wf task list' });
  return task;
}

export function newTask(id: string, title: string, parentId: string | null, complex: boolean): Task {
  const at = now();
  return {
    id,
    title,
    parentId,
    childIds: [],
    step: 'plan',
    status: 'active',
    progress: 0,
    complex,
    plan: null,
    todos: [],
    tests: [],
    reviews: [],
    commits: [],
    context: null,
    createdAt: at,
    updatedAt: at,
  };
}

export function startTask(tx: StoreTransaction, input: { id: string; title?: string | undefined; complex?: boolean; parentId?: string | null }, config: WfConfig): Task {
  const id = assertTaskId(input.id);
  if (tx.state.tasks[id]) {
    throw usageError(`task ${id} already exists (step ${tx.state.tasks[id]!.step})`, { hint: `wf status --task-id ${id}` });
  }
  const parentId = input.parentId ?? null;
  if (parentId !== null) {
    assertTaskId(parentId, 'parent id');
    const parent = tx.state.tasks[parentId];
    if (!parent) throw usageError(`parent task ${parentId} does not exist`, { hint: 'wf task list' });
    if (parent.status === 'finished') throw usageError(`parent task ${parentId} is finished`, { hint: 'pick an active parent: wf task list' });
  }
  const task = newTask(id, input.title?.trim() || id, parentId, input.complex ?? false);
  tx.state.tasks[id] = task;
  if (parentId !== null) {
    tx.state.tasks[parentId]!.childIds.push(id);
    rollupAncestors(tx.state, config.steps, parentId);
  }
  tx.audit({ event: parentId ? 'subtask-created' : 'task-started', taskId: id, step: 'plan', details: { title: task.title, parent: parentId } });
  return task;
}

/** A subtask: a task with a parent and its own folder for its artifacts, created before the state names it. */
export function createSubtask(
  tx: StoreTransaction,
  root: string,
  input: { id: string; parentId: string; title?: string | undefined; complex?: boolean },
  config: WfConfig,
): Task {
  const id = assertTaskId(input.id);
  assertTaskId(input.parentId, 'parent id');
  if (id === input.parentId) throw usageError(`task ${id} cannot be its own parent`, { hint: 'pick another --parent' });
  // An id that is already an ancestor of the parent would close a cycle; ids are unique, so the duplicate check catches it too.
  if (tx.state.tasks[id]) throw usageError(`task ${id} already exists (step ${tx.state.tasks[id]!.step})`, { hint: 'wf task tree' });
  const task = startTask(tx, { id, title: input.title, complex: input.complex ?? false, parentId: input.parentId }, config);
  mkdirSync(join(root, SUBTASKS_DIR, id), { recursive: true });
  return task;
}

/** Refuses an event that is illegal where the task is, saying where it is and what moves it on. */
export function assertEventLegal(task: Task, event: WorkflowEvent, config: WfConfig): Step {
  if (task.status === 'finished') throw refused(`task ${task.id} is finished`, { hint: 'wf task start <id>   for new work' });
  const result = nextStep(task.step, event, config.steps);
  if (!result.ok) {
    throw refused(`task ${task.id} is at step ${task.step}; "${event}" is only possible from ${result.legalFrom.join(', ')}`, {
      hint: `${nextCommandFor(config, task.step, task.id)}   (${STEP_INFO[task.step].summary})`,
    });
  }
  return result.to;
}

/** Moves a task along the one transition table. */
export function applyEvent(state: State, task: Task, event: WorkflowEvent, config: WfConfig): void {
  task.step = assertEventLegal(task, event, config);
  task.updatedAt = now();
  rollupAncestors(state, config.steps, task.id);
}

function keepRecent<T>(list: T[]): void {
  if (list.length > RECORD_HISTORY_LIMIT) list.splice(0, list.length - RECORD_HISTORY_LIMIT);
}

/** Registers a plan; the same plan, unchanged, registered again changes nothing (false): its reviews and the task's step stand. */
export function registerPlan(tx: StoreTransaction, task: Task, plan: { path: string; digest: string }, config: WfConfig): boolean {
  if (task.plan && task.plan.path === plan.path && task.plan.digest === plan.digest && task.step !== 'plan') return false;
  applyEvent(tx.state, task, 'plan-registered', config);
  task.plan = { path: plan.path, digest: plan.digest, registeredAt: now() };
  tx.audit({ event: 'plan-registered', taskId: task.id, step: 'plan', fingerprint: plan.digest, details: { path: plan.path } });
  return true;
}

/** The config's reviewer-name rule, also applied to names typed into `wf record-review`. */
export const REVIEWER_NAME = REVIEWER_NAME_PATTERN;

export function assertReviewInput(reviewer: string, continuationId: string): void {
  if (!REVIEWER_NAME.test(reviewer)) {
    throw usageError(`invalid reviewer name ${JSON.stringify(reviewer)}: use 1-64 characters from A-Z a-z 0-9 . _ @ + -`, {
      hint: 'for example: --reviewer gemini-2.5-pro',
    });
  }
  const reason = placeholderReason(continuationId);
  if (reason !== null || isPlaceholderId(continuationId)) {
    throw usageError(`the continuation id ${JSON.stringify(continuationId)} is a placeholder (${reason ?? 'looks made up'}); a review must name the real reviewer session`, {
      hint: 'pass the session/continuation id the reviewer printed (wf never accepts a made-up one)',
    });
  }
}

export interface ReviewInput {
  step: ReviewStep;
  reviewer: string;
  continuationId: string;
  status: ReviewStatus;
  fingerprint: string;
  notes?: string | undefined;
  files?: Record<string, string> | undefined;
  via?: ReviewVia | undefined;
  actor?: string | undefined;
}

export function recordReview(tx: StoreTransaction, task: Task, input: ReviewInput, config: WfConfig): ReviewRecord {
  assertReviewInput(input.reviewer, input.continuationId);
  if (input.step === 'plan-review' && !config.steps['plan-review']) {
    throw usageError('steps.plan-review is off in the config, so there is no plan review to record', { hint: 'wf status' });
  }
  if (input.step === 'review' && !config.steps.review) {
    throw usageError('steps.review is off in the config, so there is no code review to record', { hint: 'wf status' });
  }
  const event: WorkflowEvent =
    input.step === 'plan-review'
      ? input.status === 'approved'
        ? 'plan-approved'
        : 'plan-needs-revision'
      : input.status === 'approved'
        ? 'review-approved'
        : 'review-needs-revision';
  applyEvent(tx.state, task, event, config);
  const record: ReviewRecord = {
    step: input.step,
    reviewer: input.reviewer,
    continuationId: input.continuationId,
    status: input.status,
    fingerprint: input.fingerprint,
    at: now(),
    ...(input.notes ? { notes: input.notes } : {}),
    ...(input.files ? { files: input.files } : {}),
    via: input.via ?? 'manual',
  };
  task.reviews.push(record);
  keepRecent(task.reviews);
  // With review.minApprovals above 1 the task waits at review until enough distinct reviewers approved this code.
  if (task.step === 'commit' && approvalsFor(task, 'review', input.fingerprint, config).length < config.review.minApprovals) task.step = 'review';
  tx.audit({
    event: 'review-recorded',
    taskId: task.id,
    step: input.step,
    actor: input.actor,
    reviewer: input.reviewer,
    continuationId: input.continuationId,
    status: input.status,
    fingerprint: input.fingerprint,
    details: { via: input.via ?? 'manual', ...(input.notes ? { notes: input.notes } : {}) },
  });
  return record;
}

export function recordTestRun(tx: StoreTransaction, task: Task, run: Omit<TestRecord, 'at'>, config: WfConfig): TestRecord {
  applyEvent(tx.state, task, run.passed ? 'tests-passed' : 'tests-failed', config);
  const record: TestRecord = { ...run, at: now() };
  task.tests.push(record);
  keepRecent(task.tests);
  tx.audit({
    event: 'test-recorded',
    taskId: task.id,
    step: 'test',
    status: run.passed ? 'passed' : 'failed',
    fingerprint: run.fingerprint,
    details: { command: run.command, exitCode: run.exitCode, durationMs: Math.round(run.durationMs), timedOut: run.timedOut ?? false },
  });
  return record;
}

/**
 * A run of a command other than the configured test command (`wf test -- <cmd>`):
 * audited, so the log shows it ran, but it moves no step and the tests gate
 * never sees it, because what it proves is only what that command checks.
 */
export function recordAdHocTestRun(tx: StoreTransaction, task: Task, run: Omit<TestRecord, 'at'>): void {
  tx.audit({
    event: 'test-ad-hoc',
    taskId: task.id,
    step: task.step,
    status: run.passed ? 'passed' : 'failed',
    fingerprint: run.fingerprint,
    details: { command: run.command, exitCode: run.exitCode, durationMs: Math.round(run.durationMs), timedOut: run.timedOut ?? false },
  });
}

/**
 * Moves a task sent back to implement (by a needs-revision) on again with a
 * passing test run wf recorded earlier on exactly this fingerprint: the
 * evidence exists, so the tests need not run twice. Audited with the run it
 * relies on.
 */
export function reuseTestRun(tx: StoreTransaction, task: Task, run: TestRecord, config: WfConfig): void {
  if (!run.passed) throw refused('only a passing test run can be reused', { hint: 'wf test' });
  applyEvent(tx.state, task, 'tests-passed', config);
  tx.audit({ event: 'test-reused', taskId: task.id, step: 'test', status: 'passed', fingerprint: run.fingerprint, details: { command: run.command, ranAt: run.at } });
}

export function recordCommit(tx: StoreTransaction, task: Task, commit: { sha: string; fingerprint: string; reviewIds: string[] }, config: WfConfig): void {
  applyEvent(tx.state, task, 'committed', config);
  task.commits.push({ sha: commit.sha, fingerprint: commit.fingerprint, at: now() });
  keepRecent(task.commits);
  tx.audit({ event: 'commit-made', taskId: task.id, step: 'commit', fingerprint: commit.fingerprint, commit: commit.sha, details: { reviewIds: commit.reviewIds.join(' ') } });
}

export function finishTask(tx: StoreTransaction, task: Task, config: WfConfig): void {
  if (task.status === 'finished') throw refused(`task ${task.id} is already finished`, { hint: 'wf task list' });
  const open = task.childIds.map((id) => tx.state.tasks[id]!).filter((c) => c && c.status !== 'finished');
  if (open.length > 0) {
    throw refused(`task ${task.id} has unfinished subtasks: ${open.map((c) => `${c.id} (${c.step})`).join(', ')}`, {
      hint: `finish them first: wf task finish --task-id ${open[0]!.id}`,
    });
  }
  if (task.childIds.length === 0) {
    if (task.step !== 'implement' || task.commits.length === 0) {
      throw refused(`task ${task.id} is at step ${task.step} with ${plural(task.commits.length, 'commit')}; a task finishes after a reviewed commit, back at implement`, {
        hint: `${nextCommandFor(config, task.step, task.id)}`,
      });
    }
  }
  task.status = 'finished';
  task.finishedAt = now();
  task.updatedAt = task.finishedAt;
  rollupAncestors(tx.state, config.steps, task.id);
  tx.audit({ event: 'task-finished', taskId: task.id, step: task.step, details: { commits: task.commits.length } });
}

export function addTodo(tx: StoreTransaction, task: Task, text: string): number {
  const clean = text.trim();
  if (!clean) throw usageError('a todo needs text', { hint: 'wf todo add "<next concrete step>"' });
  task.todos.push({ text: clean, done: false, createdAt: now() });
  task.updatedAt = now();
  tx.audit({ event: 'todo-added', taskId: task.id, step: task.step, details: { text: clean } });
  return task.todos.length;
}

export function completeTodo(tx: StoreTransaction, task: Task, n: number): void {
  const todo = task.todos[n - 1];
  if (!Number.isInteger(n) || !todo) {
    throw usageError(`task ${task.id} has no todo number ${n} (it has ${task.todos.length})`, { hint: `wf todo list --task-id ${task.id}` });
  }
  todo.done = true;
  todo.doneAt = now();
  task.updatedAt = now();
  tx.audit({ event: 'todo-done', taskId: task.id, step: task.step, details: { n, text: todo.text } });
}

export function recordContext(tx: StoreTransaction, task: Task, used: number, limit: number): void {
  if (!Number.isInteger(used) || used < 0 || !Number.isInteger(limit) || limit <= 0 || used > limit * 10) {
    throw usageError(`context use ${used} of ${limit} tokens makes no sense`, { hint: 'wf context record --used <tokens> --limit <tokens>' });
  }
  task.context = { used, limit, at: now() };
  task.updatedAt = now();
  tx.audit({ event: 'context-recorded', taskId: task.id, step: task.step, details: { used, limit } });
}
