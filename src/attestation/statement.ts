import { createHash } from 'node:crypto';
import { findAllowedSigner, type AllowedSigner } from './allowed-signers.js';
import { SSHSIG_NAMESPACE, verifySshSignature, type Ed25519Signer, type SshPublicKey } from './sshsig.js';

/**
 * A review attestation: an in-toto Statement v1 about one change fingerprint,
 * in a DSSE envelope signed with SSHSIG. docs/attestation.md is the
 * specification, with a recipe to check one with ssh-keygen alone.
 */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE = 'https://wf-gate.dev/attestation/review/v1';
export const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const SUBJECT_NAME = 'wf-change-fingerprint';
/** Larger than any envelope wf writes (the predicate holds digests, not texts); a bigger file is refused before it is parsed. */
export const MAX_ENVELOPE_BYTES = 64 * 1024;

export interface ReviewPredicate {
  reviewer: string;
  sessionId: string;
  verdict: 'approved' | 'needs-revision';
  step: 'review' | 'plan-review';
  /** When the verdict was read, ISO 8601 in UTC; the signer's key must be valid then. */
  time: string;
  repository: string;
  headCommit: string;
  baseCommit: string;
  baseConfigDigest: { sha256: string };
  reviewerCommandDigest: { sha256: string };
  reviewTextDigest: { sha256: string };
  wfVersion: string;
}

export interface ReviewStatement {
  _type: typeof STATEMENT_TYPE;
  subject: [{ name: typeof SUBJECT_NAME; digest: { sha256: string } }];
  predicateType: typeof PREDICATE_TYPE;
  predicate: ReviewPredicate;
}

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** DSSE's pre-authentication encoding: what is signed, so the payload type cannot be swapped under a signature. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export function reviewStatement(fingerprint: string, predicate: ReviewPredicate): ReviewStatement {
  return { _type: STATEMENT_TYPE, subject: [{ name: SUBJECT_NAME, digest: { sha256: fingerprint } }], predicateType: PREDICATE_TYPE, predicate };
}

export function signStatement(statement: ReviewStatement, signer: Ed25519Signer): DsseEnvelope {
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  const blob = signer.sign(preAuthEncoding(PAYLOAD_TYPE, payload), SSHSIG_NAMESPACE);
  return { payloadType: PAYLOAD_TYPE, payload: payload.toString('base64'), signatures: [{ keyid: signer.publicKey.fingerprint, sig: blob.toString('base64') }] };
}

/** Why an attestation does not count; the names are the reasons `wf verify` reports. */
export type AttestationProblem =
  | 'malformed'
  | 'bad-signature'
  | 'signer-not-allowed'
  | 'key-expired'
  | 'key-not-yet-valid'
  | 'namespace-not-allowed'
  | 'other-fingerprint';

export interface AttestationRefusal {
  ok: false;
  problem: AttestationProblem;
  message: string;
  statement: ReviewStatement | null;
}

export type AttestationCheck = { ok: true; statement: ReviewStatement; signer: SshPublicKey; principals: string[] } | AttestationRefusal;

const HEX64 = /^[0-9a-f]{64}$/;
const HEX_COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDigest = (v: unknown): boolean => isObject(v) && typeof v.sha256 === 'string' && HEX64.test(v.sha256);
const isText = (v: unknown, max = 512): v is string => typeof v === 'string' && v.length > 0 && v.length <= max && !/[\p{Cc}]/u.test(v);
// Strict base64: Buffer.from silently skips characters it does not know, which would let two texts decode alike.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The statement inside a payload, or why it is not one of wf's review statements. */
export function parseReviewStatement(payload: Buffer): ReviewStatement | string {
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'the payload is not JSON';
  }
  if (!isObject(doc)) return 'the payload is not a JSON object';
  if (doc._type !== STATEMENT_TYPE) return `_type is not ${STATEMENT_TYPE}`;
  if (doc.predicateType !== PREDICATE_TYPE) return `predicateType is not ${PREDICATE_TYPE}`;
  const subject = doc.subject;
  if (!Array.isArray(subject) || subject.length !== 1 || !isObject(subject[0]) || !isDigest(subject[0].digest)) return 'subject must be one entry with a sha256 digest';
  const p = doc.predicate;
  if (!isObject(p)) return 'predicate is missing';
  if (!isText(p.reviewer, 64) || !isText(p.sessionId, 256) || !isText(p.repository) || !isText(p.wfVersion, 64)) return 'predicate names no reviewer, session, repository or wf version';
  if (p.verdict !== 'approved' && p.verdict !== 'needs-revision') return 'predicate.verdict is neither approved nor needs-revision';
  if (p.step !== 'review' && p.step !== 'plan-review') return 'predicate.step is neither review nor plan-review';
  if (typeof p.time !== 'string' || Number.isNaN(Date.parse(p.time)) || !/^\d{4}-\d\d-\d\dT/.test(p.time)) return 'predicate.time is not an ISO 8601 time';
  if (typeof p.headCommit !== 'string' || !HEX_COMMIT.test(p.headCommit) || typeof p.baseCommit !== 'string' || !HEX_COMMIT.test(p.baseCommit)) return 'predicate.headCommit or baseCommit is not a commit id';
  if (!isDigest(p.baseConfigDigest) || !isDigest(p.reviewerCommandDigest) || !isDigest(p.reviewTextDigest)) return 'predicate digests are missing or not sha256';
  return doc as unknown as ReviewStatement;
}

/**
 * Checks one envelope: its shape, its statement, a signature by a key the
 * allowed signers list for wf's namespace at the statement's time, and the
 * fingerprint it is about. Never throws on hostile input.
 */
export function checkAttestation(text: string | Buffer, signers: readonly AllowedSigner[], fingerprint: string): AttestationCheck {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const malformed = (message: string, statement: ReviewStatement | null = null): AttestationRefusal => ({ ok: false, problem: 'malformed', message, statement });
  if (bytes.length > MAX_ENVELOPE_BYTES) return malformed(`the envelope is larger than ${MAX_ENVELOPE_BYTES} bytes`);
  let envelope: unknown;
  try {
    envelope = JSON.parse(bytes.toString('utf8'));
  } catch {
    return malformed('the envelope is not JSON');
  }
  if (!isObject(envelope) || envelope.payloadType !== PAYLOAD_TYPE || typeof envelope.payload !== 'string' || !BASE64.test(envelope.payload)) {
    return malformed(`the envelope is not DSSE with payloadType ${PAYLOAD_TYPE}`);
  }
  if (!Array.isArray(envelope.signatures) || envelope.signatures.length === 0 || envelope.signatures.length > 8) return malformed('the envelope has no signatures (or too many)');
  const payload = Buffer.from(envelope.payload, 'base64');
  const statement = parseReviewStatement(payload);
  if (typeof statement === 'string') return malformed(statement);
  if (statement.subject[0].digest.sha256 !== fingerprint) {
    return { ok: false, problem: 'other-fingerprint', message: `the attestation is for fingerprint ${statement.subject[0].digest.sha256.slice(0, 12)}…, not ${fingerprint.slice(0, 12)}…`, statement };
  }
  const signed = preAuthEncoding(PAYLOAD_TYPE, payload);
  const at = new Date(statement.predicate.time);
  let refusal: AttestationRefusal | null = null;
  for (const signature of envelope.signatures) {
    if (!isObject(signature) || typeof signature.sig !== 'string' || !BASE64.test(signature.sig)) {
      refusal ??= malformed('a signature is not base64', statement);
      continue;
    }
    const verdict = verifySshSignature(Buffer.from(signature.sig, 'base64'), signed, SSHSIG_NAMESPACE);
    if (!verdict.ok) {
      refusal = { ok: false, problem: 'bad-signature', message: `the signature does not verify: ${verdict.reason}`, statement };
      continue;
    }
    const allowed = findAllowedSigner([...signers], verdict.publicKey, SSHSIG_NAMESPACE, at);
    if (allowed.ok) return { ok: true, statement, signer: verdict.publicKey, principals: allowed.principals };
    if (refusal === null || refusal.problem === 'malformed' || refusal.problem === 'bad-signature') {
      refusal = { ok: false, problem: allowed.reason, message: `${allowed.message} (key ${verdict.publicKey.fingerprint})`, statement };
    }
  }
  return refusal ?? malformed('no signature could be checked', statement);
}
