export { collectStagedChange, gateInputsFor, planTemplate, readPlanFile, reviewedFiles, startStagedCollection } from './evidence.js';
export { preparePlan } from './plan-artifact.js';
export { approvalsFor, type GateResult, gatesFor, nextCommandFor, refusedGates, renderGateChecklist, reviewCommand } from './rules.js';
export { describeCommand, latestConfiguredRun } from './command-text.js';
export { assertWorkTreeMatchesIndex, isConfiguredCommand, runTestCommand, testDirectory, type TestDirectory, type TestOutcome } from './test-run.js';
