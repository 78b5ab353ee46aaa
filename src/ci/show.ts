import { AttestationReader, attestationsTip, checkAttestation, fetchAttestationsHint } from '../attestation/index.js';
import { usageError } from '../errors/index.js';
import { computeCommitFingerprint } from '../fingerprint/index.js';
import { CatFileBatch, type Repo } from '../git/index.js';
import { readAttestors } from './attestation-check.js';
import { baseConfigAt, resolveRev } from './verify.js';

export interface ShownAttestation {
  path: string;
  valid: boolean;
  problem: string | null;
  reviewer: string | null;
  verdict: string | null;
  time: string | null;
  signer: string | null;
}

export interface ShownAttestations {
  fingerprint: string;
  commit: string | null;
  tip: string | null;
  fetchHint: string;
  attestations: ShownAttestation[];
}

/** `wf attest show`: what the attestations ref holds for a change, each judged by the attestors and reviewers of `baseRev`. */
export async function showAttestations(repo: Repo, target: string, baseRev: string): Promise<ShownAttestations> {
  const base = await resolveRev(repo, baseRev, 'base');
  const batch = new CatFileBatch(repo.root, repo.env);
  try {
    let fingerprint = target;
    let commit: string | null = null;
    if (!/^[0-9a-f]{64}$/.test(target)) {
      if (target.startsWith('-')) throw usageError(`${target} is neither a commit nor a fingerprint`, { hint: 'wf attest show HEAD' });
      commit = await resolveRev(repo, target, 'head');
      const config = await baseConfigAt(batch, base);
      fingerprint = (await computeCommitFingerprint(repo, commit, config.fingerprint.exclude, batch)).fingerprint;
    }
    const [config, attestors, tip] = [await baseConfigAt(batch, base), await readAttestors(batch, base), await attestationsTip(repo)];
    const reader = new AttestationReader(batch, tip);
    const attestations: ShownAttestation[] = [];
    for (const file of await reader.forFingerprint(fingerprint)) {
      const check = checkAttestation(file.content, attestors.signers, fingerprint);
      const p = check.statement?.predicate;
      const notConfigured = check.ok && !Object.hasOwn(config.reviewers, check.statement.predicate.reviewer);
      attestations.push({
        path: file.path,
        valid: check.ok && !notConfigured,
        problem: check.ok ? (notConfigured ? `reviewer ${check.statement.predicate.reviewer} is not configured on ${baseRev}` : null) : `${check.problem}: ${check.message}`,
        reviewer: p?.reviewer ?? null,
        verdict: p?.verdict ?? null,
        time: p?.time ?? null,
        signer: check.ok ? `${check.signer.fingerprint} (${check.principals.join(', ')})` : null,
      });
    }
    return { fingerprint, commit, tip, fetchHint: fetchAttestationsHint(), attestations };
  } finally {
    await batch.close();
  }
}
