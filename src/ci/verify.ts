import { CONFIG_FILE, DEFAULT_CONFIG, type WfConfig, parseConfigText } from '../config/index.js';
import { environmentError, usageError } from '../errors/index.js';
import { blobsToHash, filterChanges, fingerprintFromChanges, hashBlobs } from '../fingerprint/index.js';
import { placeholderReason } from '../session-id/index.js';
import { AUDIT_FILE, verifyAuditLog } from '../audit/index.js';
import { STATE_FILE } from '../state/index.js';
import { isWellFormedHash } from '../commit/index.js';
import { AttestationReader, attestationsTip } from '../attestation/index.js';
import { CatFileBatch, automaticMergeTree, isShallowRepository, listChangesAgainstFirstParent, listRangeCommits, type CommitInfo, type RawChange, runGit, type Repo } from '../git/index.js';
import { attestationVerdict, readAttestors, type Attestors } from './attestation-check.js';
import { plural } from '../text/index.js';

/**
 * `wf verify`: the server side of the guarantee. Every commit of a pull
 * request must carry a Review-Hash equal to the fingerprint recomputed from
 * the commit, name real reviewers, and meet the base branch's minApprovals,
 * so skipped hooks (--no-verify, commit-tree, a GUI) are caught. Judged by
 * the config as it is on the base, so a pull request cannot loosen the rules
 * it is judged by.
 */
export type CommitKind = 'commit' | 'merge' | 'clean-merge' | 'tool-state-only';

export interface CommitVerdict {
  commit: string;
  subject: string;
  kind: CommitKind;
  status: 'pass' | 'fail';
  expectedHash: string | null;
  foundHash: string | null;
  reviewers: string[];
  /** With attestation.required on the base: the reviewers whose signed attestations approve this fingerprint. */
  attestedBy: string[] | null;
  reasons: string[];
  fix: string | null;
}

export interface AuditVerdict {
  tracked: boolean;
  ok: boolean;
  reasons: string[];
}

export interface VerifyReport {
  ok: boolean;
  base: string;
  head: string;
  mode: WfConfig['mode'];
  minApprovals: number;
  /** attestation.required on the base: reviews must be proven by signed attestations, not only by trailers. */
  attestationRequired: boolean;
  /** Lines of the base's attestors file that do not count. */
  attestorProblems: string[];
  commits: CommitVerdict[];
  audit: AuditVerdict;
  summary: { total: number; passed: number; failed: number };
}

export interface VerifyEnvironment {
  env: NodeJS.ProcessEnv;
  readFile: (path: string) => string;
}

/** Where the base comes from when --base is not given: GitHub's pull-request event, GitLab's merge request, or nowhere (exit 2). */
export function baseFromEnvironment({ env, readFile }: VerifyEnvironment): string | null {
  if (env.GITHUB_ACTIONS === 'true') {
    if (env.GITHUB_EVENT_PATH) {
      try {
        const event = JSON.parse(readFile(env.GITHUB_EVENT_PATH)) as { pull_request?: { base?: { sha?: string } } };
        const sha = event.pull_request?.base?.sha;
        if (sha && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
      } catch {
        // Fall back to the branch name below.
      }
    }
    if (env.GITHUB_BASE_REF) return `origin/${env.GITHUB_BASE_REF}`;
  }
  if (env.GITLAB_CI === 'true' || env.CI_MERGE_REQUEST_DIFF_BASE_SHA) {
    if (env.CI_MERGE_REQUEST_DIFF_BASE_SHA) return env.CI_MERGE_REQUEST_DIFF_BASE_SHA;
  }
  return null;
}

export async function resolveRev(repo: Repo, rev: string, what: 'base' | 'head'): Promise<string> {
  if (rev.startsWith('-')) throw usageError(`--${what} ${rev} is not a revision`, { hint: `wf verify --base origin/main` });
  const r = await runGit(['rev-parse', '-q', '--verify', '--end-of-options', `${rev}^{commit}`], { cwd: repo.root, env: repo.env, okExitCodes: [1, 128] });
  if (r.exitCode === 0) return r.stdout.toString('utf8').trim();
  if (await isShallowRepository(repo)) {
    throw environmentError(`the ${what} ${rev} is not in this shallow clone`, {
      hint: 'fetch the full history: in GitHub Actions set `fetch-depth: 0` on actions/checkout; elsewhere run git fetch --unshallow',
    });
  }
  throw usageError(`unknown ${what} revision ${JSON.stringify(rev)}`, { hint: what === 'base' ? 'fetch it first (git fetch origin <branch>) or pass --base <sha>' : 'check the name with git log --oneline -5' });
}

export async function readAt(batch: CatFileBatch, rev: string, path: string): Promise<string | null> {
  const object = await batch.read(`${rev}:${path}`);
  return object && object.type === 'blob' ? object.content.toString('utf8') : null;
}

/**
 * With manual reviews off on the base, only the base's configured reviewers
 * may approve. A trailer cannot prove how a review was obtained, so this
 * checks names only: it stops a made-up reviewer, not a made-up session.
 */
function allowedReviewersOn(config: WfConfig): ReadonlySet<string> | null {
  return config.review.allowManual ? null : new Set(Object.keys(config.reviewers));
}

function checkReviewIds(commit: CommitInfo, minApprovals: number, allowed: ReadonlySet<string> | null, reasons: string[]): string[] {
  const reviewers = new Set<string>();
  for (const raw of commit.reviewIds) {
    const colon = raw.indexOf(':');
    if (colon <= 0) {
      reasons.push(`Review-Id "${raw}" is not <reviewer>:<continuation-id>`);
      continue;
    }
    const reviewer = raw.slice(0, colon);
    const id = raw.slice(colon + 1);
    const reason = placeholderReason(id);
    if (reason) reasons.push(`Review-Id "${raw}" names a placeholder continuation id (${reason})`);
    else if (allowed && !allowed.has(reviewer)) {
      reasons.push(`Review-Id "${raw}" names ${reviewer}, which is not a reviewer of the base's config (review.allowManual is false there)`);
    } else reviewers.add(reviewer);
  }
  if (reviewers.size < minApprovals) {
    reasons.push(`${plural(reviewers.size, 'distinct approving reviewer')}, the base branch requires ${minApprovals}`);
  }
  return [...reviewers];
}

export interface ClassifiedCommit {
  commit: CommitInfo;
  kind: CommitKind;
  /** The fingerprint of its change against the first parent, with the base's excludes. */
  expected: string;
  /** That change, as git lists it (excludes and wf's own files left out). */
  changes: RawChange[];
  /** It adds or changes wf's state file, which belongs to each checkout alone. */
  touchesState: boolean;
}

/** Every commit of the range with its kind and fingerprint, in a constant number of git processes. */
export async function classifyRange(repo: Repo, batch: CatFileBatch, base: string, head: string, config: WfConfig): Promise<ClassifiedCommit[]> {
  const commits = await listRangeCommits(repo, base, head);
  const shallow = commits.length > 0 && (await isShallowRepository(repo));
  if (shallow && commits.some((c) => c.parents.length === 0)) {
    throw environmentError('the range reaches the edge of a shallow clone, so its oldest commits cannot be checked against their parents', {
      hint: 'fetch the full history: `fetch-depth: 0` on actions/checkout, or git fetch --unshallow',
    });
  }
  const changes = await listChangesAgainstFirstParent(repo, commits);
  const kept = new Map(commits.map((c) => [c.sha, filterChanges(changes.get(c.sha) ?? [], config.fingerprint.exclude)]));
  const digests = await hashBlobs(batch, [...new Set([...kept.values()].flatMap((k) => blobsToHash(k)))]);
  const out: ClassifiedCommit[] = [];
  for (const commit of commits) {
    const raw = changes.get(commit.sha) ?? [];
    const mine = kept.get(commit.sha)!;
    const found = commit.reviewHashes[0] ?? null;
    let kind: CommitKind = commit.parents.length > 1 ? 'merge' : 'commit';
    if (kind === 'merge' && raw.length === 0 && found === null) {
      // It keeps its first parent's tree (`git merge -s ours`): no code to review.
      kind = 'clean-merge';
    } else if (kind === 'merge' && commit.parents.length === 2 && found === null) {
      const auto = await automaticMergeTree(repo, commit.parents[0]!, commit.parents[1]!);
      if (auto === commit.tree) kind = 'clean-merge';
    }
    if (kind !== 'clean-merge' && mine.length === 0 && found === null) {
      // Nothing outside wf's own state (or the base's excludes) changed: no code to review.
      if (raw.length > 0 || kind === 'commit') kind = 'tool-state-only';
    }
    // Taking it out of the history (a deletion) is the fix, not the problem.
    const touchesState = raw.some((c) => c.path.toString('utf8') === STATE_FILE && !c.status.startsWith('D'));
    out.push({ commit, kind, expected: fingerprintFromChanges(mine, digests).fingerprint, changes: mine, touchesState });
  }
  return out;
}

/** The config as committed on the base: what a pull request is judged by, whatever it changes. */
export async function baseConfigAt(batch: CatFileBatch, base: string): Promise<WfConfig> {
  const text = await readAt(batch, base, CONFIG_FILE);
  return text === null ? structuredClone(DEFAULT_CONFIG) : parseConfigText(text, `${CONFIG_FILE} at the base ${base.slice(0, 12)}`);
}

/** `requireAttestations`: check attestations even where the base does not require them yet (`wf attest verify`). */
export async function verifyRange(repo: Repo, baseRev: string, headRev: string, options: { requireAttestations?: boolean } = {}): Promise<VerifyReport> {
  const [base, head] = [await resolveRev(repo, baseRev, 'base'), await resolveRev(repo, headRev, 'head')];
  const batch = new CatFileBatch(repo.root, repo.env);
  try {
    const config = await baseConfigAt(batch, base);
    const minApprovals = config.steps.review ? config.review.minApprovals : 0;

    const classified = await classifyRange(repo, batch, base, head, config);

    const attested = (config.attestation.required || options.requireAttestations === true) && minApprovals > 0;
    const attestors: Attestors = attested ? await readAttestors(batch, base) : { signers: [], problems: [], present: false };
    const reader = new AttestationReader(batch, attested ? await attestationsTip(repo) : null);
    const trailersOptional = attested && config.attestation.trailers === 'optional';

    const verdicts: CommitVerdict[] = [];
    for (const { commit, kind, expected, touchesState } of classified) {
      const found = commit.reviewHashes[0] ?? null;
      const reasons: string[] = [];
      if (touchesState) {
        reasons.push(`it commits ${STATE_FILE}, which is each checkout's own: once tracked, git pull replaces every other checkout's tasks and reviews with it`);
      }
      let reviewers: string[] = [];
      let attestedBy: string[] | null = null;
      if (kind === 'commit' || kind === 'merge') {
        const bare = trailersOptional && commit.reviewHashes.length === 0 && commit.reviewIds.length === 0;
        if (!bare) {
          if (commit.reviewHashes.length === 0) reasons.push('no Review-Hash trailer (committed with --no-verify, or outside the hooks?)');
          else if (commit.reviewHashes.length > 1) reasons.push('more than one Review-Hash trailer');
          else if (!isWellFormedHash(found!)) reasons.push(`Review-Hash "${found}" is not 64 lowercase hex digits`);
          else if (found !== expected) reasons.push('Review-Hash does not match the commit: its code is not what was reviewed (edited, amended or forged after review)');
          reviewers = checkReviewIds(commit, attested ? 0 : minApprovals, allowedReviewersOn(config), reasons);
        }
        if (attested) {
          const proof = await attestationVerdict(reader, attestors, config, expected);
          attestedBy = proof.approvedBy;
          if (proof.approvedBy.length < minApprovals) {
            reasons.push(`${plural(proof.approvedBy.length, 'attested approval')} of fingerprint ${expected.slice(0, 12)}…, the base requires ${minApprovals}${proof.problems.length ? `: ${proof.problems.join('; ')}` : ''}`);
          }
          reviewers = [...new Set([...reviewers, ...proof.approvedBy])];
        }
      }
      verdicts.push({
        commit: commit.sha,
        subject: commit.subject,
        kind,
        status: reasons.length === 0 ? 'pass' : 'fail',
        expectedHash: kind === 'commit' || kind === 'merge' ? expected : null,
        foundHash: found,
        reviewers,
        attestedBy,
        reasons,
        fix:
          reasons.length === 0
            ? null
            : touchesState
              ? `take the state out of the history: git rm --cached ${STATE_FILE}, commit that, and keep it in .gitignore`
              : attested && reasons.every((r) => r.includes('attested approval'))
              ? 'let the review job attest it (wf review ci runs on the pull request), or fetch the attestations: git fetch origin +refs/notes/wf-attestations:refs/notes/wf-attestations'
              : 'redo the commit through the gates: git rebase -i to stop at it (or git reset --soft to before it), then wf test, record the reviews, and wf commit',
      });
    }

    const audit = await verifyAuditGrowth(batch, base, head);
    const failed = verdicts.filter((v) => v.status === 'fail').length;
    return {
      ok: failed === 0 && audit.ok,
      base,
      head,
      mode: config.mode,
      minApprovals,
      attestationRequired: attested,
      attestorProblems: attestors.problems,
      commits: verdicts,
      audit,
      summary: { total: verdicts.length, passed: verdicts.length - failed, failed },
    };
  } finally {
    await batch.close();
  }
}

/** When the audit log is tracked: its chain verifies at head, and head's log extends base's (append-only across the pull request). */
async function verifyAuditGrowth(batch: CatFileBatch, base: string, head: string): Promise<AuditVerdict> {
  const [atBase, atHead] = [await readAt(batch, base, AUDIT_FILE), await readAt(batch, head, AUDIT_FILE)];
  if (atHead === null) {
    return atBase === null
      ? { tracked: false, ok: true, reasons: [] }
      : { tracked: true, ok: false, reasons: [`${AUDIT_FILE} was deleted by this range`] };
  }
  const reasons: string[] = [];
  const chain = verifyAuditLog(atHead);
  if (!chain.ok) reasons.push(`${AUDIT_FILE} at head does not verify: ${chain.problems[0]!.message}`);
  if (atBase !== null && !atHead.startsWith(atBase)) reasons.push(`${AUDIT_FILE} at head does not extend the base's log: entries were rewritten or removed`);
  return { tracked: true, ok: reasons.length === 0, reasons };
}

const escapeAnnotation = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * When the check cannot run at all (exit 2 or 3: no base, a shallow clone, a broken base config), CI
 * still shows why where people look: an annotation and a line in the step summary.
 */
export function cannotRunReport(check: string, err: { message: string; hint?: string | undefined }): { annotation: string; summary: string } {
  const text = `${err.message}${err.hint ? `. Next: ${err.hint}` : ''}`;
  return { annotation: `::error title=${check}: could not run::${escapeAnnotation(text)}`, summary: `### ${check}: ❌ could not run\n\n${escapeCell(text)}\n\n` };
}

/** `::error` workflow commands for GitHub Actions, one per failing commit. */
export function githubAnnotations(report: VerifyReport): string[] {
  const lines = report.commits
    .filter((c) => c.status === 'fail')
    .map((c) => `::error title=wf verify: ${c.commit.slice(0, 12)}::${escapeAnnotation(`${c.subject}: ${c.reasons.join('; ')}. ${c.fix ?? ''}`)}`);
  for (const r of report.audit.reasons) lines.push(`::error title=wf verify: audit log::${escapeAnnotation(r)}`);
  return lines;
}

/** The Markdown table appended to $GITHUB_STEP_SUMMARY. */
export function stepSummaryMarkdown(report: VerifyReport): string {
  const lines = [
    `### wf verify: ${report.ok ? '✅ every commit is reviewed' : `❌ ${report.summary.failed} of ${plural(report.summary.total, 'commit')} failed`}`,
    '',
    `Base \`${report.base.slice(0, 12)}\`, head \`${report.head.slice(0, 12)}\`, judged by the base's config: minApprovals ${report.minApprovals}, mode ${report.mode}.`,
    '',
    '| commit | subject | kind | result | reasons |',
    '|---|---|---|---|---|',
    ...report.commits.map((c) => `| \`${c.commit.slice(0, 12)}\` | ${escapeCell(c.subject)} | ${c.kind} | ${c.status === 'pass' ? '✅' : '❌'} | ${escapeCell(c.reasons.join('; '))} |`),
    '',
  ];
  if (report.audit.tracked) lines.push(`Audit log: ${report.audit.ok ? '✅ verifies and only grew' : `❌ ${escapeCell(report.audit.reasons.join('; '))}`}`, '');
  return lines.join('\n');
}
