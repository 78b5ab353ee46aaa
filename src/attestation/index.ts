/**
 * Attestation: review statements in DSSE envelopes, stored on a git ref by fingerprint; SSH signatures (OpenSSH's SSHSIG, Ed25519) made and checked in
 * process, and ssh-keygen's allowed_signers file that says who may sign.
 */
export {
  SSHSIG_NAMESPACE,
  armorSignature,
  dearmorSignature,
  loadOpenSshPrivateKey,
  parsePublicKey,
  parseSshSignature,
  verifySshSignature,
} from './sshsig.js';
export type { Ed25519Signer, ParsedSshSignature, SshPublicKey, SshSignatureVerdict } from './sshsig.js';
export { findAllowedSigner, matchPrincipalPattern, parseAllowedSigners, renderAllowedSignerLine } from './allowed-signers.js';
export type {
  AllowedSigner,
  AllowedSignerLineInput,
  AllowedSignerMatch,
  AllowedSignerRefusal,
  AllowedSignersProblem,
  ParsedAllowedSigners,
} from './allowed-signers.js';
export {
  checkAttestation,
  parseReviewStatement,
  preAuthEncoding,
  reviewStatement,
  sha256Hex,
  signStatement,
  PAYLOAD_TYPE,
  PREDICATE_TYPE,
  STATEMENT_TYPE,
} from './statement.js';
export type { AttestationCheck, AttestationProblem, AttestationRefusal, DsseEnvelope, ReviewPredicate, ReviewStatement } from './statement.js';
export { ATTESTATIONS_REF, AttestationReader, attestationDir, fetchAttestations, attestationPath, attestationsTip, fetchAttestationsHint, writeAttestations } from './store.js';
export type { NewAttestation, StoredAttestation, WriteResult } from './store.js';
