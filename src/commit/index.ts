export { commitTask } from './flow.js';
export { isWellFormedHash, parseReviewTrailers, type ReviewTrailers, trailerLines } from './trailers.js';
