export { baseFromEnvironment, githubAnnotations, stepSummaryMarkdown, verifyRange } from './verify.js';
