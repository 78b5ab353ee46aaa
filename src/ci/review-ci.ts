import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttestationReader,
  attestationsTip,
  fetchAttestations,
  loadOpenSshPrivateKey,
  reviewStatement,
  sha256Hex,
  signStatement,
  writeAttestations,
  type Ed25519Signer,
  type NewAttestation,
} from '../attestation/index.js';
import { CONFIG_FILE } from '../config/index.js';
import { environmentError, refused } from '../errors/index.js';
import { authEnv, CatFileBatch, type Repo } from '../git/index.js';
import { packageRoot } from '../installation/index.js';
import { buildReviewPacket, changeDiff, describeSecrets, readReviewerAnswer, reviewText, secretsInDiff, spawnReviewer } from '../review/index.js';
import { KEY_FILE_ENV, takeSecretFile, TOKEN_FILE_ENV } from './secret-file.js';
import { ATTESTORS_FILE, attestationVerdict, readAttestors } from './attestation-check.js';
import { baseConfigAt, classifyRange, readAt, resolveRev } from './verify.js';
import { plural } from '../text/index.js';

/**
 * `wf review ci`: the reviews CI can prove. Runs in a job defined on the base
 * branch, holding the signing key: for every commit of the range that needs a
 * review and has no valid attestations yet, it builds the packet from git
 * objects alone (nothing of the pull request is checked out or run), runs
 * the reviewers configured on the base in an empty folder with a scrubbed
 * environment, and signs an attestation for each approval.
 */
export const KEY_ENV = 'WF_ATTESTATION_KEY';
export type CommitReviewStatus = 'attested' | 'already-attested' | 'needs-revision' | 'secrets' | 'reviewer-failed' | 'not-reviewed';

export interface ReviewerResult {
  reviewer: string;
  verdict: 'approved' | 'needs-revision' | null;
  sessionId: string | null;
  notes: string;
  failure: string | null;
  durationMs: number;
}

export interface CommitReview {
  commit: string;
  subject: string;
  fingerprint: string;
  status: CommitReviewStatus;
  /** Reviewers whose approvals are attested (before and during this run). */
  approvedBy: string[];
  reviewers: ReviewerResult[];
  findings: string[];
  packetBytes: number;
}

export interface ReviewCiReport {
  /** The forge token read from WF_GITHUB_TOKEN_FILE, for posting; non-enumerable, so it is never printed with the report. */
  token?: string | null;
  ok: boolean;
  dryRun: boolean;
  base: string;
  head: string;
  minApprovals: number;
  commits: CommitReview[];
  attestationsWritten: number;
  pushed: boolean;
  summary: { total: number; toReview: number; attested: number; needsRevision: number; failed: number };
}

export interface ReviewCiRequest {
  repo: Repo;
  base: string;
  head: string;
  maxCommits: number;
  dryRun: boolean;
  /** Remote to fetch and push the attestations ref; none keeps them local. */
  remote?: string | undefined;
  env: NodeJS.ProcessEnv;
  onProgress?: (line: string) => void;
}

function wfVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function repositoryName(env: NodeJS.ProcessEnv, root: string): string {
  return env.GITHUB_REPOSITORY ?? env.CI_PROJECT_PATH ?? root;
}

/** The key from the environment, checked against the base's attestors before any reviewer spends time. */
function signerFrom(env: NodeJS.ProcessEnv): Ed25519Signer {
  const fromFile = takeSecretFile(env, KEY_FILE_ENV);
  const text = fromFile ?? env[KEY_ENV];
  if (!text || !text.trim()) {
    throw environmentError(`no signing key: neither ${KEY_FILE_ENV} nor ${KEY_ENV} is set`, {
      hint: `store the private key made by wf attest keygen as the CI secret ${KEY_ENV} (an environment secret that only the base branch may use); the template writes it to a file and passes ${KEY_FILE_ENV}`,
    });
  }
  return loadOpenSshPrivateKey(text, fromFile === null ? `the ${KEY_ENV} environment variable` : `the file named by ${KEY_FILE_ENV}`);
}

export async function reviewCi(req: ReviewCiRequest): Promise<ReviewCiReport> {
  const { repo } = req;
  const progress = req.onProgress ?? (() => undefined);
  const [base, head] = [await resolveRev(repo, req.base, 'base'), await resolveRev(repo, req.head, 'head')];
  const batch = new CatFileBatch(repo.root, repo.env);
  const workDir = mkdtempSync(join(tmpdir(), 'wf-review-ci-'));
  try {
    const config = await baseConfigAt(batch, base);
    const configText = (await readAt(batch, base, CONFIG_FILE)) ?? '';
    const minApprovals = config.steps.review ? config.review.minApprovals : 0;
    const attestors = await readAttestors(batch, base);
    const signer = req.dryRun ? null : signerFrom(req.env);
    const token = takeSecretFile(req.env, TOKEN_FILE_ENV);
    const networkEnv = token?.trim() ? authEnv(repo.env, { token: token.trim(), serverUrl: req.env.GITHUB_SERVER_URL ?? 'https://github.com' }) : repo.env;
    if (signer && !attestors.signers.some((s) => s.publicKey.blob.equals(signer.publicKey.blob))) {
      throw environmentError(`the key in ${KEY_ENV} (${signer.publicKey.fingerprint}) is not listed in ${ATTESTORS_FILE} on the base ${base.slice(0, 12)}, so nothing it signs would count`, {
        hint: `add its public line (wf attest keygen prints it) to ${ATTESTORS_FILE} on the base branch, or set the matching key`,
      });
    }
    if (req.remote) await fetchAttestations(repo, req.remote, networkEnv);
    const reader = new AttestationReader(batch, await attestationsTip(repo));

    const classified = (await classifyRange(repo, batch, base, head, config)).filter((c) => c.kind === 'commit' || c.kind === 'merge');
    const reviews: CommitReview[] = [];
    const pending: { review: CommitReview; changes: (typeof classified)[number]['changes']; missing: string[] }[] = [];
    const seen = new Map<string, CommitReview>();
    for (const c of classified) {
      const review: CommitReview = { commit: c.commit.sha, subject: c.commit.subject, fingerprint: c.expected, status: 'not-reviewed', approvedBy: [], reviewers: [], findings: [], packetBytes: 0 };
      reviews.push(review);
      if (minApprovals === 0) {
        review.status = 'already-attested';
        continue;
      }
      const earlier = seen.get(c.expected);
      if (earlier) {
        // The same change twice in one range (a revert of a revert, say) is reviewed once.
        review.findings.push(`same change as ${earlier.commit.slice(0, 12)}`);
        continue;
      }
      seen.set(c.expected, review);
      const proof = attestors.signers.length > 0 ? await attestationVerdict(reader, attestors, config, c.expected) : { approvedBy: [], revisedBy: [], problems: [] };
      review.approvedBy = proof.approvedBy;
      if (proof.approvedBy.length >= minApprovals) {
        review.status = 'already-attested';
        continue;
      }
      if (proof.revisedBy.length > 0) {
        // Asking again about the same bytes until a reviewer says yes is not a review: the change must change.
        review.status = 'needs-revision';
        review.findings.push(...proof.revisedBy.map((r) => `${r} asked for revision of exactly this change earlier; change the code to get a new review`));
        continue;
      }
      const missing = Object.keys(config.reviewers).filter((r) => !proof.approvedBy.includes(r) && !proof.revisedBy.includes(r));
      pending.push({ review, changes: c.changes, missing });
    }
    if (Object.keys(config.reviewers).length === 0 && pending.length > 0) {
      throw refused(`the base's config has no reviewers, so ${plural(pending.length, 'commit')} cannot be reviewed in CI`, { where: `${CONFIG_FILE} at the base`, hint: 'configure reviewers on the base branch (wf init offers presets), then run the job again' });
    }
    if (pending.length > req.maxCommits) {
      throw refused(`${plural(pending.length, 'commit')} ${pending.length === 1 ? 'needs' : 'need'} a review, more than --max-commits ${req.maxCommits}: nothing was run`, {
        hint: `squash the branch, or raise the cap for this run: wf review ci --max-commits ${pending.length}`,
      });
    }

    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const written: NewAttestation[] = [];
    try {
      for (const { review, changes, missing } of pending) {
        const diff = await changeDiff(batch, changes);
        const secrets = secretsInDiff(diff, config.secrets.allow);
        const packet = buildReviewPacket({ taskId: `commit ${review.commit.slice(0, 12)}`, title: review.subject, step: 'review', fingerprint: review.fingerprint, plan: null, diff, diffTitle: `The diff of commit ${review.commit}`, previous: null });
        review.packetBytes = Buffer.byteLength(packet);
        if (secrets.length > 0) {
          review.status = 'secrets';
          review.findings.push(...describeSecrets(secrets).map((s) => `secret-shaped line, not sent to a reviewer: ${s}`));
          continue;
        }
        if (req.dryRun) continue;
        for (const name of missing) {
          // After a needs-revision the change is vetoed; the remaining reviewers would spend money on nothing.
          if (review.reviewers.some((r) => r.verdict === 'needs-revision')) break;
          const reviewer = config.reviewers[name]!;
          progress(`wf: reviewer ${name} on ${review.commit.slice(0, 12)} (${review.fingerprint.slice(0, 12)}…)`);
          const spawned = await spawnReviewer(repo, name, reviewer, packet, undefined, controller.signal, workDir);
          const result: ReviewerResult = { reviewer: name, verdict: null, sessionId: null, notes: '', failure: null, durationMs: Math.round(spawned.durationMs) };
          review.reviewers.push(result);
          if (spawned.failure) {
            result.failure = spawned.failure.message;
            continue;
          }
          let answer;
          try {
            answer = readReviewerAnswer(spawned.stdout, reviewer);
            result.notes = reviewText(spawned.stdout, reviewer.verdict).slice(-4000);
          } catch (err) {
            result.failure = `reviewer ${name}: ${(err as Error).message}`;
            continue;
          }
          if (answer.verdict === null) {
            result.failure = `reviewer ${name} printed no verdict`;
            continue;
          }
          if (answer.continuationId === null) {
            result.failure = `reviewer ${name} ${answer.continuationIdProblem ?? 'printed no session id'}`;
            continue;
          }
          result.verdict = answer.verdict;
          result.sessionId = answer.continuationId;
          // Needs-revision is signed too: it vetoes this fingerprint for this reviewer, so a rerun cannot wash it out.
          const statement = reviewStatement(review.fingerprint, {
            reviewer: name,
            sessionId: answer.continuationId,
            verdict: answer.verdict,
            step: 'review',
            time: new Date().toISOString(),
            repository: repositoryName(req.env, repo.root),
            headCommit: review.commit,
            baseCommit: base,
            baseConfigDigest: { sha256: sha256Hex(configText) },
            reviewerCommandDigest: { sha256: sha256Hex(JSON.stringify(reviewer.command)) },
            reviewTextDigest: { sha256: sha256Hex(result.notes) },
            wfVersion: wfVersion(),
          });
          written.push({ fingerprint: review.fingerprint, reviewer: name, envelope: `${JSON.stringify(signStatement(statement, signer!), null, 2)}\n` });
          if (answer.verdict === 'approved') review.approvedBy = [...new Set([...review.approvedBy, name])].sort();
        }
        const revised = review.reviewers.filter((r) => r.verdict === 'needs-revision');
        review.findings.push(...revised.map((r) => `${r.reviewer}: ${r.notes.trim() || 'needs revision (no findings text)'}`));
        review.findings.push(...review.reviewers.filter((r) => r.failure).map((r) => `${r.failure}; nothing was attested`));
        review.status = revised.length > 0 ? 'needs-revision' : review.approvedBy.length >= minApprovals ? 'attested' : 'reviewer-failed';
        if (revised.length > 0) review.approvedBy = [];
        if (controller.signal.aborted) break;
      }
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    // Whatever was approved is kept even when other commits failed: the next run then reviews only those.
    const stored = written.length > 0 ? await writeAttestations(repo, written, { remote: req.remote, networkEnv }) : null;
    for (const review of reviews) {
      const original = seen.get(review.fingerprint);
      if (original && original !== review) {
        review.status = original.status;
        review.approvedBy = original.approvedBy;
      }
    }
    const count = (s: CommitReviewStatus) => reviews.filter((r) => r.status === s).length;
    const failed = count('reviewer-failed') + count('secrets') + (req.dryRun ? 0 : count('not-reviewed'));
    const report: ReviewCiReport = {
      ok: req.dryRun ? true : count('needs-revision') + failed === 0,
      dryRun: req.dryRun,
      base,
      head,
      minApprovals,
      commits: reviews,
      attestationsWritten: written.length,
      pushed: stored?.pushed ?? false,
      summary: { total: reviews.length, toReview: pending.length, attested: count('attested') + count('already-attested'), needsRevision: count('needs-revision'), failed },
    };
    Object.defineProperty(report, 'token', { value: token, enumerable: false });
    return report;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    await batch.close();
  }
}
