import type { WfConfig } from '../config/index.js';
import { computeCommitFingerprint } from '../fingerprint/index.js';
import { approvalsFor } from '../gates/index.js';
import { approvalKey, approvalsInAuditLog } from '../audit/index.js';
import { gitText, type Repo } from '../git/index.js';
import { mutateStore, type State, type Task } from '../state/index.js';
import { getTask, recordCommit } from '../tasks/index.js';
import { REVIEW_HASH } from './trailers.js';

/** How far back a commit made past `wf commit` is looked for: an agent commits and moves on, it does not bury it. */
const LOOKBACK = 20;

export interface ReconciledCommit {
  taskId: string;
  sha: string;
  fingerprint: string;
}

/** The fingerprints a task waiting at `commit` may land: those its gates passed for (approved reviews, else passed tests). */
function landable(task: Task, config: WfConfig): Set<string> {
  const out = new Set<string>();
  if (config.steps.review) {
    for (const r of task.reviews) if (r.step === 'review' && r.status === 'approved') out.add(r.fingerprint);
  } else {
    for (const t of task.tests) if (t.passed) out.add(t.fingerprint);
  }
  return out;
}

/**
 * A plain `git commit` that passed the hooks has landed without telling wf, so its task still waits at
 * `commit`. Recorded here, once the commit exists (a commit git aborted after commit-msg is never
 * seen): a commit on HEAD's recent history whose Review-Hash trailer, as git reads it, equals a
 * fingerprint the task's gates passed for, whose change really has that fingerprint, with enough
 * approvals, and which no task recorded yet, is recorded as `wf commit` would have. Costs no git
 * process unless a task waits at `commit`.
 */
export async function reconcileLandedCommits(repo: Repo, state: State, config: WfConfig): Promise<ReconciledCommit[]> {
  return recordLandedCommits(repo, await findLandedCommits(repo, state, config), config);
}

/**
 * The read-only half of reconcileLandedCommits: which landed commits are to be recorded. Apart from
 * the store, so a read-only command can look without loading the store's schema and lock.
 */
export async function findLandedCommits(repo: Repo, state: State, config: WfConfig): Promise<ReconciledCommit[]> {
  const waiting = Object.values(state.tasks).filter((t) => t.status === 'active' && t.step === 'commit' && t.childIds.length === 0);
  if (waiting.length === 0 || repo.headAtOpen === null) return [];
  const recorded = new Set(Object.values(state.tasks).flatMap((t) => t.commits.map((c) => c.sha)));
  const log = await gitText(['log', `-n${LOOKBACK}`, '--no-merges', `--format=%H%x00%(trailers:key=${REVIEW_HASH},valueonly,separator=%x01)%x00`, repo.headAtOpen], { cwd: repo.root, env: repo.env });
  const fields = log.split('\0');
  const found: ReconciledCommit[] = [];
  // Oldest first, so two commits of one task land in the order they were made.
  const commits: Array<{ sha: string; hash: string }> = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const sha = fields[i]!.trim();
    const hashes = fields[i + 1]!.split('\x01').map((h) => h.trim()).filter(Boolean);
    if (/^[0-9a-f]{40,64}$/.test(sha) && hashes.length === 1 && !recorded.has(sha)) commits.push({ sha, hash: hashes[0]! });
  }
  commits.reverse();
  for (const { sha, hash } of commits) {
    const task = waiting.find((t) => !found.some((f) => f.taskId === t.id) && landable(t, config).has(hash));
    if (!task) continue;
    if (config.steps.review) {
      const approvals = approvalsFor(task, 'review', hash, config);
      if (new Set(approvals.map((a) => a.reviewer)).size < config.review.minApprovals) continue;
      // As `wf commit` and the hooks check: approvals the log does not hold (a state edited by hand, a
      // --no-verify commit with a trailer typed in) are no evidence that this commit was reviewed.
      const inLog = approvalsInAuditLog(repo.root, approvals);
      if (approvals.some((a) => !inLog.has(approvalKey(a)))) continue;
    }
    // The trailer is a claim; the commit's own change is the evidence.
    const actual = (await computeCommitFingerprint(repo, sha, config.fingerprint.exclude)).fingerprint;
    if (actual !== hash) continue;
    found.push({ taskId: task.id, sha, fingerprint: hash });
  }
  return found;
}

/** Records what findLandedCommits found, under the store's lock, re-checked against the state as it is then. */
export async function recordLandedCommits(repo: Repo, found: readonly ReconciledCommit[], config: WfConfig): Promise<ReconciledCommit[]> {
  if (found.length === 0) return [];
  await mutateStore(repo.root, (tx) => {
    for (const f of found) {
      const task = getTask(tx.state, f.taskId);
      if (task.step !== 'commit' || task.commits.some((c) => c.sha === f.sha)) continue;
      const reviewIds = config.steps.review ? approvalsFor(task, 'review', f.fingerprint, config).map((a) => `${a.reviewer}:${a.continuationId}`) : [];
      recordCommit(tx, task, { sha: f.sha, fingerprint: f.fingerprint, reviewIds }, config);
    }
  });
  return [...found];
}
