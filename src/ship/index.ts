export { failingTests, nextAction, noTaskAction, openFindings, renderNext, type NextAction, type NextInputs } from './next.js';
export { ship, type ShipReport, type ShipRequest, type ShipStage } from './ship.js';
export { testStagedChange, type TestStep } from './test-step.js';
export { nextForCwd, nextFromEvidence } from './next-context.js';
