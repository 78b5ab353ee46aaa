// The PreToolUse guards, reached through the guard's entry module; a module of its own so the bundle of each hook keeps only what it runs.
export { runPreBash, runPreEdit } from '../guard/index.js';
