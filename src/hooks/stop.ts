// The Stop hook, reached through the guard's entry module; a module of its own so the bundle keeps only what it runs.
export { runStop } from '../guard/index.js';
