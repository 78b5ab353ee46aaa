export { baseFromEnvironment, cannotRunReport, githubAnnotations, stepSummaryMarkdown, verifyRange } from './verify.js';
export { ATTESTORS_FILE, readAttestors } from './attestation-check.js';
export { KEY_FILE_ENV, takeSecretFile, TOKEN_FILE_ENV } from './secret-file.js';
export { KEY_ENV, reviewCi, type ReviewCiReport, type CommitReview } from './review-ci.js';
export { resolveRev, baseConfigAt, type VerifyReport } from './verify.js';
export { showAttestations, type ShownAttestations } from './show.js';
export { reviewCiAnnotations, reviewCiBody, reviewCiSummaryMarkdown, REVIEW_MARKER } from './review-report.js';
export { postReviewCiResult } from './review-post.js';
