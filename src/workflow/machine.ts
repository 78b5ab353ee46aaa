/**
 * The one definition of the workflow. Everything that describes it (help
 * text, `wf status`, `wf docs`, the README's workflow section) is generated
 * from these tables, and tests compare the docs against them, so the docs
 * cannot describe a different workflow than the code runs.
 */

export const STEPS = ['plan', 'plan-review', 'implement', 'test', 'review', 'commit'] as const;
export type Step = (typeof STEPS)[number];

/** Steps a config may switch off; plan, implement and commit are the workflow itself. */
export const OPTIONAL_STEPS = ['plan-review', 'test', 'review'] as const satisfies readonly Step[];
export type OptionalStep = (typeof OPTIONAL_STEPS)[number];

export interface StepInfo {
  readonly step: Step;
  readonly summary: string;
  /** The command that completes this step and moves the task on. */
  readonly command: string;
}

export const STEP_INFO: Readonly<Record<Step, StepInfo>> = {
  plan: { step: 'plan', summary: 'Write the plan for the next piece of work.', command: 'wf plan [--file <path>]' },
  'plan-review': {
    step: 'plan-review',
    summary: 'A reviewer approves the plan (needs-revision goes back to plan): wf runs the configured reviewers, or a verdict is recorded by hand with wf record-review.',
    command: 'wf review run --step plan-review',
  },
  implement: { step: 'implement', summary: 'Write the code and stage it with git add.', command: 'git add <files> && wf test' },
  test: {
    step: 'test',
    summary: 'wf runs the test command itself and binds the result to the staged fingerprint.',
    command: 'wf test',
  },
  review: {
    step: 'review',
    summary: 'A reviewer approves exactly the staged code (needs-revision goes back to implement): wf review run, or by hand wf record-review.',
    command: 'wf review run --step review',
  },
  commit: {
    step: 'commit',
    summary: 'wf checks every gate and commits with Review-Hash and Review-Id trailers; the task returns to implement for its next component.',
    command: 'wf commit -m <message>',
  },
};

export type WorkflowEvent =
  | 'plan-registered'
  | 'plan-approved'
  | 'plan-needs-revision'
  | 'tests-passed'
  | 'tests-failed'
  | 'review-approved'
  | 'review-needs-revision'
  | 'committed';

export interface Transition {
  readonly event: WorkflowEvent;
  /** Steps the event is legal from. */
  readonly from: readonly Step[];
  /** Where the event leads when every step is on; disabled steps are skipped forward. */
  readonly to: Step;
  readonly command: string;
}

const AFTER_IMPLEMENT: readonly Step[] = ['implement', 'test', 'review', 'commit'];
const AFTER_TEST: readonly Step[] = ['test', 'review', 'commit'];

export const TRANSITIONS: readonly Transition[] = [
  // Re-planning is legal at any point; the new plan needs its own review before the next commit.
  { event: 'plan-registered', from: STEPS, to: 'plan-review', command: 'wf plan' },
  { event: 'plan-approved', from: ['plan-review'], to: 'implement', command: 'wf review run --step plan-review (APPROVED)' },
  { event: 'plan-needs-revision', from: ['plan-review'], to: 'plan', command: 'wf review run --step plan-review (NEEDS_REVISION)' },
  { event: 'tests-passed', from: AFTER_IMPLEMENT, to: 'review', command: 'wf test (passing)' },
  { event: 'tests-failed', from: AFTER_IMPLEMENT, to: 'test', command: 'wf test (failing)' },
  { event: 'review-approved', from: AFTER_TEST, to: 'commit', command: 'wf review run --step review (APPROVED)' },
  { event: 'review-needs-revision', from: AFTER_TEST, to: 'implement', command: 'wf review run --step review (NEEDS_REVISION)' },
  { event: 'committed', from: ['commit'], to: 'implement', command: 'wf commit -m <message>' },
];

export type EnabledSteps = Readonly<Record<OptionalStep, boolean>>;
export const ALL_STEPS_ON: EnabledSteps = { 'plan-review': true, test: true, review: true };

export function isStepEnabled(step: Step, enabled: EnabledSteps): boolean {
  return (OPTIONAL_STEPS as readonly Step[]).includes(step) ? enabled[step as OptionalStep] : true;
}

/** The first enabled step at or after `step`. */
export function firstEnabledFrom(step: Step, enabled: EnabledSteps): Step {
  for (let i = STEPS.indexOf(step); i < STEPS.length; i++) {
    const candidate = STEPS[i]!;
    if (isStepEnabled(candidate, enabled)) return candidate;
  }
  return 'commit';
}

/**
 * Where the task may be for `event` to be legal. A disabled step is
 * transparent: "from test" also means "from implement" when test is off,
 * because a task never rests on a disabled step.
 */
export function legalFromSteps(event: WorkflowEvent, enabled: EnabledSteps): Step[] {
  const steps = new Set<Step>();
  for (const step of transitionFor(event).from) {
    if (isStepEnabled(step, enabled)) {
      steps.add(step);
      continue;
    }
    for (let i = STEPS.indexOf(step) - 1; i >= 0; i--) {
      const before = STEPS[i]!;
      if (isStepEnabled(before, enabled)) {
        steps.add(before);
        break;
      }
    }
  }
  return STEPS.filter((s) => steps.has(s));
}

export function transitionFor(event: WorkflowEvent): Transition {
  const transition = TRANSITIONS.find((t) => t.event === event);
  if (!transition) throw new Error(`no transition for event ${event}`);
  return transition;
}

export type TransitionResult = { ok: true; to: Step } | { ok: false; legalFrom: Step[] };

/** Pure: where `event` takes a task at `step`, or why it may not. */
export function nextStep(step: Step, event: WorkflowEvent, enabled: EnabledSteps = ALL_STEPS_ON): TransitionResult {
  const legalFrom = legalFromSteps(event, enabled);
  if (!legalFrom.includes(step)) return { ok: false, legalFrom };
  return { ok: true, to: firstEnabledFrom(transitionFor(event).to, enabled) };
}

/** The command that moves a task on from `step`, for error messages and `wf status`. */
export function commandToAdvance(step: Step): string {
  return STEP_INFO[step].command;
}

/** Leaf progress: each completed step adds an equal share; a finished task is 1. */
export function progressForStep(step: Step, finished: boolean, enabled: EnabledSteps = ALL_STEPS_ON): number {
  if (finished) return 1;
  const active = STEPS.filter((s) => isStepEnabled(s, enabled));
  const index = active.indexOf(firstEnabledFrom(step, enabled));
  return index <= 0 ? 0 : index / active.length;
}
