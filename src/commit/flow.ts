import { readConfig, effectiveConfig } from '../config/index.js';
import { ExitCode, refused, WfError } from '../errors/index.js';
import { collectStagedChange, gateInputsFor, approvalsFor, gatesFor, refusedGates, renderGateChecklist, type GateResult } from '../gates/index.js';
import { parseAuditEntries, readAuditText, verifyAuditLog, AUDIT_FILE } from '../audit/index.js';
import { mutateStore, readState, STATE_FILE } from '../state/index.js';
import { assertEventLegal, getTask, recordCommit, resolveTask } from '../tasks/index.js';
import { reconcileLandedCommits } from './reconcile.js';
import { parseReviewTrailers, REVIEW_HASH, trailerLines, withTrailers } from './trailers.js';
import { computeCommitFingerprint } from '../fingerprint/index.js';
import { GitCommandError, gitText, runGit, currentBranch, headCommit, openRepo } from '../git/index.js';

export interface CommitResult {
  taskId: string;
  commit: string;
  fingerprint: string;
  reviewIds: string[];
  gates: GateResult[];
  taskStep: string;
}

/** Tool files that are tracked ride along with the commit (they are outside the fingerprint), so CI sees the log grow with the code. */
async function trackedToolFiles(root: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const out = await runGit(['ls-files', '-z', '--', STATE_FILE, AUDIT_FILE], { cwd: root, env });
  return out.stdout.toString('utf8').split('\0').filter(Boolean);
}

/**
 * `wf commit`: every gate, then `git commit` with the trailers, then proof
 * that what landed is what was reviewed: the new commit's fingerprint must
 * equal the reviewed one and the audit log must hold the approving entries.
 */
export interface CommitIdentity {
  name: string;
  email: string;
}

export async function commitTask(input: { taskId?: string | undefined; message: string; cwd?: string; identity?: CommitIdentity | undefined }): Promise<CommitResult> {
  const repo = await openRepo(input.cwd);
  const config = await effectiveConfig(repo, readConfig(repo.root));
  const state = readState(repo.root);
  const { task } = resolveTask(state, { explicit: input.taskId, env: process.env.WF_TASK_ID, branch: currentBranch(repo) });
  // The reviewed change may have landed already with a plain `git commit`: then it is recorded, not committed twice.
  const landedBefore = (await reconcileLandedCommits(repo, state, config)).find((r) => r.taskId === task.id);
  if (landedBefore) {
    const fresh = getTask(readState(repo.root), task.id);
    const reviewIds = config.steps.review ? approvalsFor(fresh, 'review', landedBefore.fingerprint, config).map((a) => `${a.reviewer}:${a.continuationId}`) : [];
    return { taskId: task.id, commit: landedBefore.sha, fingerprint: landedBefore.fingerprint, reviewIds, gates: [], taskStep: fresh.step };
  }
  if (!input.message.trim()) throw new WfError(ExitCode.Usage, 'the commit message is empty', { hint: 'wf commit -m "<what this change does>"' });

  const staged = await collectStagedChange(repo, config);
  const gates = gatesFor(gateInputsFor(repo, config, task, staged));
  const failed = refusedGates(gates);
  if (failed.length > 0) {
    throw refused(`commit refused for task ${task.id}: ${failed.map((g) => g.id).join(', ')}\n${renderGateChecklist(gates)}`, { hint: failed[0]!.fix ?? 'wf status' });
  }
  assertEventLegal(task, 'committed', config);

  const approvals = config.steps.review ? approvalsFor(task, 'review', staged.fingerprint, config) : [];
  const trailers = trailerLines(staged.fingerprint, approvals);
  // Everything is checked before git commit runs: a refusal after the commit would leave it landed and the task out of step.
  const auditText = readAuditText(repo.root);
  const chain = verifyAuditLog(auditText);
  if (!chain.ok) throw refused(`the audit log does not verify: ${chain.problems[0]!.message}; nothing was committed`, { hint: 'wf audit verify' });
  const logged = parseAuditEntries(auditText);
  for (const approval of approvals) {
    const found = logged.some(
      (e) => e.event === 'review-recorded' && e.step === 'review' && e.status === 'approved' && e.fingerprint === staged.fingerprint && e.reviewer === approval.reviewer && e.continuationId === approval.continuationId,
    );
    if (!found) {
      throw refused(`the audit log holds no entry for the approval by ${approval.reviewer} that the commit would cite; nothing was committed`, { hint: 'wf audit show   (the state and the log disagree: someone edited one of them)' });
    }
  }
  const toolFiles = await trackedToolFiles(repo.root, repo.env);
  if (toolFiles.includes(STATE_FILE)) {
    throw refused(`${STATE_FILE} is tracked by git, so this commit would carry it: the state is each checkout's own, and git pull would replace every other checkout's tasks with it; nothing was committed`, {
      hint: `git rm --cached ${STATE_FILE} (it stays on disk; keep it in .gitignore), then wf commit again`,
    });
  }
  if (toolFiles.includes(AUDIT_FILE) && (await runGit(['check-ignore', '-q', '--no-index', '--', AUDIT_FILE], { cwd: repo.root, env: repo.env, okExitCodes: [1] })).exitCode === 0) {
    throw refused(`${AUDIT_FILE} is tracked but also ignored, so git treats other checkouts' logs as expendable; nothing was committed`, {
      hint: `track it on purpose (remove it from .gitignore), or untrack it: git rm --cached ${AUDIT_FILE}`,
    });
  }
  if (toolFiles.length > 0) await runGit(['add', '--', ...toolFiles], { cwd: repo.root, env: repo.env });
  // The trailers are written by wf, where git reads them (see hooks/commit-msg.ts for why not `--trailer`).
  const message = withTrailers(input.message, trailers, { comments: false });
  const back = message === null ? null : parseReviewTrailers(message, { comments: false });
  if (message === null || back === null || back.hashes.length !== 1 || back.ids.length !== approvals.length || back.strays.length > 0) {
    throw new WfError(ExitCode.Usage, back && back.strays.length > 0 ? `the message holds "${back.strays[0]}" in its body, where git does not read it as a trailer` : 'git would not read the review trailers from this message; nothing was committed', {
      hint: 'wf commit -m "<subject>" -m "<body>"   (wf adds Review-Hash and Review-Id itself)',
    });
  }
  const args = ['commit', '--quiet', '--cleanup=whitespace', '-m', message];
  try {
    // The hooks resolve the task again; naming it keeps several active tasks from making them guess.
    const identity = input.identity
      ? { GIT_AUTHOR_NAME: input.identity.name, GIT_AUTHOR_EMAIL: input.identity.email, GIT_COMMITTER_NAME: input.identity.name, GIT_COMMITTER_EMAIL: input.identity.email }
      : {};
    await runGit(args, { cwd: repo.root, env: { ...repo.env, ...identity, WF_TASK_ID: task.id } });
  } catch (err) {
    if (err instanceof GitCommandError) {
      throw refused(`git commit failed: ${err.stderr.trim() || `exit ${err.exitCode}`}`, { hint: 'wf status   (and check the git message above)' });
    }
    throw err;
  }
  const sha = (await headCommit(repo))!;

  const landedTrailers = await gitText(['log', '-1', `--format=%(trailers:key=${REVIEW_HASH},valueonly)`, sha], { cwd: repo.root, env: repo.env });
  if (landedTrailers.trim() !== staged.fingerprint) {
    throw refused(`commit ${sha.slice(0, 12)} landed, but git reads no Review-Hash trailer equal to its fingerprint from its message`, { hint: 'undo it with git reset --soft HEAD~1, then wf commit -m "<message>" again with a plain message' });
  }
  const landed = await computeCommitFingerprint(repo, sha, config.fingerprint.exclude);
  if (landed.fingerprint !== staged.fingerprint) {
    throw refused(`commit ${sha.slice(0, 12)} does not contain the reviewed change (fingerprint ${landed.fingerprint.slice(0, 12)}… ≠ ${staged.fingerprint.slice(0, 12)}…)`, {
      hint: 'something changed the index during the commit (a hook?); undo with git reset --soft HEAD~1 and run wf status',
    });
  }
  const reviewIds = approvals.map((a) => `${a.reviewer}:${a.continuationId}`);
  const { value: step } = await mutateStore(repo.root, (tx) => {
    const fresh = getTask(tx.state, task.id);
    // Another wf command may have seen the commit land first and recorded it (commit/reconcile.ts): once is enough.
    if (!fresh.commits.some((c) => c.sha === sha)) recordCommit(tx, fresh, { sha, fingerprint: staged.fingerprint, reviewIds }, config);
    return fresh.step;
  });
  return { taskId: task.id, commit: sha, fingerprint: staged.fingerprint, reviewIds, gates, taskStep: step };
}
