export { computeCommitFingerprint, computeStagedFingerprint, fingerprintOfChanges, hashBlobs } from './collect.js';
export { blobsToHash, filterChanges, type Fingerprint, fingerprintFromChanges } from './compute.js';
