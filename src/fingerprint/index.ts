export { computeCommitFingerprint, computeStagedFingerprint, fingerprintOfChanges, hashBlobs } from './collect.js';
export { blobsToHash, filterChanges, type Fingerprint, fingerprintFromChanges, globToRegExp, isOwnFile } from './compute.js';
