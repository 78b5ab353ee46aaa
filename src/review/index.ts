export { recordReviewForTask } from './recording.js';
export type { ReviewerOutcome, ReviewRunReport } from './outcome.js';
export { runReviews } from './run.js';
