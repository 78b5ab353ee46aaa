export { readReviewerAnswer, reviewText } from './answer.js';
export { changeDiff } from './diff.js';
export type { ReviewerOutcome, ReviewRunReport } from './outcome.js';
export { buildReviewPacket } from './packet.js';
export { recordReviewForTask } from './recording.js';
export { runReviews } from './run.js';
export { describeSecrets, secretsInDiff, type SecretInDiff } from './secrets.js';
export { reviewerLaunch, spawnReviewer, tailLines, type LaunchSpec, type Spawned } from './spawn.js';
export { extractValue } from './answer.js';
