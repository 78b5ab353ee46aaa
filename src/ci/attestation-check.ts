import { AttestationReader, checkAttestation, fetchAttestationsHint, parseAllowedSigners, sha256Hex, type AllowedSigner, type AttestationProblem } from '../attestation/index.js';
import type { WfConfig } from '../config/index.js';
import type { CatFileBatch } from '../git/index.js';

/** The public keys allowed to sign attestations, in ssh-keygen's allowed_signers format; always read from the base commit. */
export const ATTESTORS_FILE = '.claude/wf-attestors';

export interface AttestationVerdict {
  /** Distinct base-configured reviewers with a valid approving attestation for the fingerprint; empty when any asked for revision. */
  approvedBy: string[];
  /** Reviewers with a valid needs-revision attestation for it: a veto that stands for this exact change. */
  revisedBy: string[];
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

/** What an attestation's predicate says about the reviewer's command, for the one the base configures. */
export function reviewerCommandDigest(config: WfConfig, reviewer: string): string {
  return sha256Hex(JSON.stringify(config.reviewers[reviewer]?.command ?? null));
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
    return { approvedBy: [], revisedBy: [], problems: [`attestations ref not fetched (or no review job has pushed one yet): ${fetchAttestationsHint()}`] };
  }
  if (!attestors.present || attestors.signers.length === 0) {
    return { approvedBy: [], revisedBy: [], problems: [`no attestors: the base has no usable ${ATTESTORS_FILE} (wf attest keygen adds one)`] };
  }
  // A needs-revision sticks to the fingerprint: asking the same reviewer again about the same bytes until it
  // says yes is not a review. Only a change of content (a new fingerprint) gets a new verdict.
  const approved = new Set<string>();
  const revised = new Set<string>();
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
    // An approval counts for the reviewer the base configures now: one made under another command of the same name does not.
    if (check.statement.predicate.reviewerCommandDigest.sha256 !== reviewerCommandDigest(baseConfig, reviewer)) {
      problems.push(`${name}: reviewer ${reviewer} ran another command than the base configures now`);
      continue;
    }
    (verdict === 'approved' ? approved : revised).add(reviewer);
  }
  // Any configured reviewer's needs-revision vetoes the change, as it does locally: a found problem is not outvoted.
  if (revised.size > 0) approved.clear();
  for (const reviewer of revised) problems.push(`reviewer ${reviewer} asked for revision of exactly this change (a new review needs a change of content)`);
  if (stored.length === 0) problems.push(`no attestation for fingerprint ${fingerprint.slice(0, 12)}… (wf review ci signs one when a configured reviewer approves)`);
  return { approvedBy: [...approved].sort(), revisedBy: [...revised].sort(), problems };
}
