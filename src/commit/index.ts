export { commitTask, type CommitIdentity } from './flow.js';
export { isWellFormedHash, parseReviewTrailers, readTrailers, splitMessage, type ReviewTrailers, trailerLines, withTrailers } from './trailers.js';
export { findLandedCommits, reconcileLandedCommits, recordLandedCommits, type ReconciledCommit } from './reconcile.js';
