import type { WfConfig } from '../config/index.js';
import { latestConfiguredRun, refusedGates, reviewCommand, type GateResult } from '../gates/index.js';
import type { ReviewRecord, Task } from '../state/index.js';

/**
 * `wf next`: the one next action for a task, as a command and the reason,
 * computed from the same gates as the hooks. The stop hook, the slash
 * commands and `wf status` use it, so there is one answer to "what now".
 * Pure: the caller gathers the evidence.
 */
export interface NextAction {
  taskId: string | null;
  step: string | null;
  /** What to run; null when the next thing is an edit only a person or an agent can make. */
  command: string | null;
  reason: string;
  /** A reviewer's findings or the tests' output tail, when that is what the next action is about. */
  findings: string | null;
}

export interface NextInputs {
  task: Task;
  config: WfConfig;
  /** The staged fingerprint and whether anything is staged. */
  staged: { fingerprint: string; empty: boolean };
  planDigest: string | null;
  /** The plan file at its default path while no plan is registered (null when there is none), and the template it starts from. */
  planDraft: { path: string; text: string } | null;
  planTemplate: string;
  gates: readonly GateResult[];
}

/** A shell word that stays one literal word: the command is meant to be pasted, and a title may hold $(…). */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A reviewer's latest verdict on one fingerprint, per step, newest first. */
function latestOn(task: Task, step: ReviewRecord['step'], fingerprint: string | null): ReviewRecord | null {
  if (fingerprint === null) return null;
  for (let i = task.reviews.length - 1; i >= 0; i--) {
    const r = task.reviews[i]!;
    if (r.step === step && r.fingerprint === fingerprint) return r;
  }
  return null;
}

/** Whether wf can obtain the reviews itself (`wf ship`, `wf review run`), or they are typed in by hand. */
const reviewsRun = (config: WfConfig) => Object.keys(config.reviewers).length > 0;

/** The unaddressed needs-revision on exactly this evidence, if any: the latest verdict of some reviewer. */
export function openFindings(task: Task, step: ReviewRecord['step'], fingerprint: string | null): ReviewRecord | null {
  const latest = latestOn(task, step, fingerprint);
  return latest && latest.status === 'needs-revision' ? latest : null;
}

/** The latest test run on exactly this fingerprint with the configured command, if it failed. */
export function failingTests(task: Task, config: WfConfig, fingerprint: string): Task['tests'][number] | null {
  const latest = latestConfiguredRun(task.tests, fingerprint, config.test.command);
  return latest && !latest.passed ? latest : null;
}

export function noTaskAction(reason: string): NextAction {
  return { taskId: null, step: null, command: 'wf task start <id> --title "<what you are doing>"', reason, findings: null };
}

export function nextAction({ task, config, staged, planDigest, planDraft, planTemplate, gates }: NextInputs): NextAction {
  const base = { taskId: task.id, step: task.step, findings: null };
  const id = task.id;
  if (task.status === 'finished') return { ...base, command: 'wf task start <id> --title "<what you are doing>"', reason: `task ${id} is finished` };
  if (task.childIds.length > 0 && task.step === 'implement') {
    return { ...base, command: `wf task tree --root ${id}`, reason: `task ${id} is done through its subtasks (${task.childIds.join(', ')}); work on one of them` };
  }
  const failed = refusedGates(gates);
  const gate = (gid: GateResult['id']) => failed.find((g) => g.id === gid);

  if (task.step === 'plan') {
    if (!task.plan && planDraft) {
      return planDraft.text.trim() === planTemplate.trim()
        ? { ...base, command: `wf plan --task-id ${id}`, reason: `the plan is still the template: write it in ${planDraft.path}, then register it` }
        : { ...base, command: `wf plan --task-id ${id}`, reason: `${planDraft.path} is written but not registered` };
    }
    const plan = gate('plan');
    return { ...base, command: plan?.fix ?? `wf plan --task-id ${id}`, reason: plan ? plan.detail : `register the plan of task ${id}` };
  }
  if (task.step === 'plan-review') {
    const findings = openFindings(task, 'plan-review', planDigest);
    if (findings) {
      return { ...base, command: `wf plan --task-id ${id}`, reason: `${findings.reviewer} asked for changes to the plan: address the findings, edit the plan, then register it again`, findings: findings.notes ?? '(no findings text was recorded)' };
    }
    return { ...base, command: reviewsRun(config) ? `wf ship --task-id ${id}` : reviewCommand(config, 'plan-review', id), reason: `the plan of task ${id} needs a review` };
  }
  if (staged.empty) {
    return { ...base, command: 'git add <files>', reason: task.step === 'implement' ? `task ${id} is at implement: write the next component and stage it` : 'nothing is staged' };
  }
  const review = openFindings(task, 'review', staged.fingerprint);
  if (review) {
    return { ...base, command: null, reason: `${review.reviewer} asked for changes to the staged code: address the findings, git add the fix, then: wf ship`, findings: review.notes ?? '(no findings text was recorded)' };
  }
  const tests = config.steps.test ? failingTests(task, config, staged.fingerprint) : null;
  if (tests) {
    return { ...base, command: null, reason: `the tests fail on the staged change (${tests.timedOut ? 'timed out' : `exit ${tests.exitCode}`}): fix the code, git add it, then: wf ship` };
  }
  // A gate only a person or the agent can satisfy comes first: wf ship would stop at it.
  for (const gid of ['plan', 'plan-review', 'subtask', 'todos', 'context'] as const) {
    const g = gate(gid);
    if (g) return { ...base, command: g.fix ?? null, reason: g.detail };
  }
  if (config.steps.review && !reviewsRun(config) && gate('review')) {
    return { ...base, command: reviewCommand(config, 'review', id), reason: gate('review')!.detail };
  }
  return { ...base, command: `wf ship --task-id ${id} -m ${quote(task.title)}`, reason: refusedGates(gates).length === 0 ? 'every gate passes: commit' : 'run the tests and reviews the staged change still needs, then commit' };
}

/** The plain-text form `wf next` prints. */
export function renderNext(next: NextAction): string {
  const lines = [`next: ${next.command ?? '(an edit: see why)'}`, `  why: ${next.reason}`];
  if (next.findings) lines.push('  findings:', ...next.findings.split('\n').map((l) => `    ${l}`));
  return lines.join('\n');
}
