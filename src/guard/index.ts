export { runPreBash, runPreEdit, runStop } from './agent-guard.js';
