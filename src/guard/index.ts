export { GUARD_BLOCKED, runPreBash, runPreEdit } from './agent-guard.js';
export { findRoot } from './payload.js';
export { runStop } from './stop.js';
