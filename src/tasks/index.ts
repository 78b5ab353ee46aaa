export { addTodo, assertEventLegal, assertReviewInput, completeTodo, createSubtask, finishTask, getTask, recordCommit, recordAdHocTestRun, recordContext, recordReview, recordTestRun, registerPlan, reuseTestRun, REVIEWER_NAME, startTask } from './operations.js';
export { rollup } from './progress.js';
export { resolveTask, type TaskResolution } from './resolution.js';
export { buildTree, drawTree } from './tree.js';
export { loadHookContext, resolveHookTask, type HookContext } from './hook-context.js';
