export { commitTask, type CommitIdentity } from './flow.js';
export { isWellFormedHash, parseReviewTrailers, readTrailers, splitMessage, type ReviewTrailers, trailerLines, withTrailers } from './trailers.js';
export { reconcileLandedCommits, type ReconciledCommit } from './reconcile.js';
