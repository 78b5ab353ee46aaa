export { GATE_DOCS, renderWorkflowMarkdown } from './docs.js';
export { commandToAdvance, type EnabledSteps, nextStep, progressForStep, type Step, STEP_INFO, STEPS, TRANSITIONS, type WorkflowEvent } from './machine.js';
