import { AttestationReader, checkAttestation, fetchAttestationsHint, parseAllowedSigners, type AllowedSigner, type AttestationProblem } from '../attestation/index.js';
import type { WfConfig } from '../config/index.js';
import type { CatFileBatch } from '../git/index.js';

/** The public keys allowed to sign attestations, in ssh-keygen's allowed_signers format; always read from the base commit. */
export const ATTESTORS_FILE = '.claude/wf-attestors';

export interface AttestationVerdict {
  /** Distinct base-configured reviewers with a valid approving attestation for the fingerprint. */
  approvedBy: string[];
  /** Why the others do not count, one line each, naming what is missing. */
  problems: string[];
}

export interface Attestors {
  signers: AllowedSigner[];
  /** Lines of the base's attestors file that do not count, with their line numbers. */
  problems: string[];
  present: boolean;
}

export async function readAttestors(batch: CatFileBatch, base: string): Promise<Attestors> {
  const object = await batch.read(`${base}:${ATTESTORS_FILE}`);
  if (!object || object.type !== 'blob') return { signers: [], problems: [], present: false };
  const parsed = parseAllowedSigners(object.content.toString('utf8'), `${ATTESTORS_FILE} at the base`);
  return { signers: parsed.signers, problems: parsed.problems.map((p) => p.message), present: true };
}

const PROBLEM_WORDS: Record<AttestationProblem, string> = {
  malformed: 'malformed attestation',
  'bad-signature': 'bad signature',
  'signer-not-allowed': `signer not allowed (its key is not in the base's ${ATTESTORS_FILE})`,
  'key-expired': 'key expired (outside its valid-before in the base attestors file)',
  'key-not-yet-valid': 'key not yet valid at the attestation time',
  'namespace-not-allowed': 'key not allowed for the wf-review namespace',
  'other-fingerprint': 'attestation for another fingerprint',
};

/**
 * Which reviewers have proven, by attestations signed in CI, that they
 * approved exactly this fingerprint. Only attestations that verify against
 * the base's attestors, say review + approved, and name a reviewer
 * configured on the base count.
 */
export async function attestationVerdict(reader: AttestationReader, attestors: Attestors, baseConfig: WfConfig, fingerprint: string): Promise<AttestationVerdict> {
  if (reader.tip === null) {
    return { approvedBy: [], problems: [`attestations ref not fetched (or no review job has pushed one yet): ${fetchAttestationsHint()}`] };
  }
  if (!attestors.present || attestors.signers.length === 0) {
    return { approvedBy: [], problems: [`no attestors: the base has no usable ${ATTESTORS_FILE} (wf attest keygen adds one)`] };
  }
  // A reviewer's latest verdict on this fingerprint is its verdict: an approval after a needs-revision counts, and the reverse does not.
  const latest = new Map<string, { time: number; approved: boolean }>();
  const problems: string[] = [];
  const stored = await reader.forFingerprint(fingerprint);
  for (const file of stored) {
    const check = checkAttestation(file.content, attestors.signers, fingerprint);
    const name = file.path.split('/').at(-1)!;
    if (!check.ok) {
      problems.push(`${name}: ${PROBLEM_WORDS[check.problem]}: ${check.message}`);
      continue;
    }
    const { reviewer, verdict, step } = check.statement.predicate;
    if (step !== 'review') continue;
    if (!Object.hasOwn(baseConfig.reviewers, reviewer)) {
      problems.push(`${name}: reviewer ${reviewer} is not configured on the base`);
      continue;
    }
    const time = Date.parse(check.statement.predicate.time);
    const seen = latest.get(reviewer);
    if (!seen || time >= seen.time) latest.set(reviewer, { time, approved: verdict === 'approved' });
  }
  const approvedBy = [...latest].filter(([, v]) => v.approved).map(([k]) => k);
  if (stored.length === 0) problems.push(`no attestation for fingerprint ${fingerprint.slice(0, 12)}… (wf review ci signs one when a configured reviewer approves)`);
  return { approvedBy: approvedBy.sort(), problems };
}
