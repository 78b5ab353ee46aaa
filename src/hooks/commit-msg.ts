import { readFileSync, writeFileSync } from 'node:fs';
import { ExitCode, refused, usageError } from '../errors/index.js';
import { approvalsFor, reviewCommand } from '../gates/index.js';
import { isPlaceholderId } from '../session-id/index.js';
import { parseReviewTrailers, trailerLines, isWellFormedHash, withTrailers, type ReviewTrailers } from '../commit/index.js';
import { computeStagedFingerprint } from '../fingerprint/index.js';
import { CatFileBatch, gitText, commitParents } from '../git/index.js';
import { type WfConfig, effectiveConfig } from '../config/index.js';
import type { ReviewRecord } from '../state/index.js';
import { isAmendInProgress } from './amend.js';
import { isCleanMergeInProgress } from './clean-merge.js';
import { readStagedHandoff } from './staged-handoff.js';
import { loadHookContext, resolveHookTask } from '../tasks/index.js';
import { approvalKey, approvalsInAuditLog } from '../audit/index.js';

const REDO_AMEND =
  'to change the code of a reviewed commit, undo it and go through the gates again: git reset --soft HEAD~1 && wf test && wf review run (or wf record-review …) && wf commit -m "<message>"';

/**
 * `wf hook commit-msg <file>`: appends `Review-Hash:` and `Review-Id:`
 * trailers when approved reviews match exactly what is being committed (as
 * Gerrit's hook appends Change-Id), refuses a present trailer that does not
 * match, and refuses when nothing approved matches.
 */
export async function runCommitMsg(args: string[]): Promise<number> {
  const file = args[0];
  if (!file || args.length > 1) throw usageError('usage: wf hook commit-msg <message-file>', { hint: 'wf hooks install   (git passes the file)' });
  const message = readFileSync(file, 'utf8');
  const ctx = await loadHookContext();
  const { repo } = ctx;
  const trailers = parseReviewTrailers(message);
  if (trailers.hashes.length > 1) {
    throw refused('the message has more than one Review-Hash trailer', { where: file, hint: 'keep one Review-Hash line (or none: wf adds it)' });
  }
  if (trailers.strays.length > 0) {
    // git reads trailers from the last paragraph only: a Review-Hash above it is neither a trailer nor a review.
    throw refused(`"${trailers.strays[0]}" sits in the body of the message, where git does not read it as a trailer`, { where: file, hint: 'remove the line; wf adds Review-Hash and Review-Id as the last paragraph' });
  }
  for (const id of trailers.ids) {
    if (isPlaceholderId(id.continuationId)) {
      throw refused(`Review-Id "${id.raw}" names a placeholder continuation id`, { where: file, hint: 'remove the line; wf writes Review-Id from recorded reviews' });
    }
  }

  const head = repo.headAtOpen;
  if (isAmendInProgress()) {
    // Only a reword passes: the trailers HEAD already carries, on the code HEAD already has. A trailer typed
    // in for new code would be a review nobody recorded (anyone can compute a fingerprint with wf hash).
    const parent = head ? ((await commitParents(repo, head))[0] ?? null) : null;
    const excludes = effectiveConfig(repo, ctx.config, undefined, parent).then((c) => c.fingerprint.exclude);
    const expected = (await computeStagedFingerprint(repo, excludes, parent)).fingerprint;
    const original = head ? parseReviewTrailers(await gitText(['show', '-s', '--format=%B', head], { cwd: repo.root, env: repo.env })) : null;
    const sameIds = (a: ReviewTrailers['ids'], b: ReviewTrailers['ids']) => JSON.stringify(a.map((i) => i.raw).sort()) === JSON.stringify(b.map((i) => i.raw).sort());
    if (original && trailers.hashes[0] === expected) {
      if (original.hashes[0] !== expected) {
        throw refused('the amend carries a Review-Hash that HEAD did not have: a trailer typed in for new code is a review nobody recorded', {
          hint: REDO_AMEND,
        });
      }
      if (!sameIds(trailers.ids, original.ids)) {
        throw refused('the amend changes the Review-Id trailers: reviews are recorded by wf, not written into a message', {
          hint: `keep the original trailers when rewording; ${REDO_AMEND}`,
        });
      }
      return ExitCode.Ok;
    }
    throw refused(
      trailers.hashes.length === 0
        ? 'an amended commit needs the Review-Hash of its whole change, and wf cannot bind a review to an amend'
        : 'the amend changes the code, so the kept Review-Hash no longer matches the commit',
      { hint: `rewording an amend keeps the original trailers and the same code; ${REDO_AMEND}` },
    );
  }

  if (await isCleanMergeInProgress(repo)) return ExitCode.Ok;

  // pre-commit of this commit computed both already, for exactly this index and HEAD (staged-handoff.ts).
  const handed = readStagedHandoff(repo);
  let fingerprint: string;
  let config: WfConfig;
  if (handed) ({ fingerprint, config } = handed);
  else {
    const batch = new CatFileBatch(repo.root, repo.env);
    try {
      // The committed config rides the fingerprint's cat-file process (see committed-floor.ts for why it matters).
      const effective = effectiveConfig(repo, ctx.config, batch);
      effective.catch(() => undefined);
      fingerprint = (await computeStagedFingerprint(repo, effective.then((c) => c.fingerprint.exclude), head, batch)).fingerprint;
      config = await effective;
    } finally {
      await batch.close();
    }
  }
  const present = trailers.hashes[0];
  if (present !== undefined) {
    if (!isWellFormedHash(present)) throw refused(`Review-Hash "${present}" is not 64 lowercase hex digits`, { where: file, hint: 'remove the line; wf writes it' });
    if (present !== fingerprint) {
      throw refused(`the Review-Hash trailer (${present.slice(0, 12)}…) does not match the change being committed (${fingerprint.slice(0, 12)}…)`, {
        where: file,
        hint: 'remove the Review-Hash and Review-Id lines from the message; wf adds the right ones when the staged code is reviewed (wf status)',
      });
    }
    if (trailers.ids.length > 0) {
      // A Review-Id typed in (or written by `wf commit`, or kept from another commit) must be an approval recorded
      // here for exactly this change. No task is resolved: `wf commit --task-id` works while several are active.
      const recorded = new Map<string, ReviewRecord>();
      for (const t of Object.values(ctx.state().tasks)) for (const a of approvalsFor(t, 'review', fingerprint, config)) recorded.set(`${a.reviewer}:${a.continuationId}`, a);
      const unknown = trailers.ids.find((i) => !recorded.has(`${i.reviewer}:${i.continuationId}`));
      if (unknown) {
        throw refused(`Review-Id "${unknown.raw}" names no approval recorded for this change (fingerprint ${fingerprint.slice(0, 12)}…)`, {
          where: file,
          hint: 'remove the Review-Hash and Review-Id lines from the message; wf adds the right ones when the staged code is reviewed (wf status)',
        });
      }
      const cited = [...new Set(trailers.ids.map((i) => recorded.get(`${i.reviewer}:${i.continuationId}`)!))];
      // The same bar as the trailers wf writes itself: enough distinct reviewers, each in the audit log.
      requireEnoughLoggedApprovals(repo.root, cited, config, fingerprint, undefined);
      return ExitCode.Ok;
    }
  }

  const { task } = resolveHookTask(ctx);
  const approvals = config.steps.review ? approvalsFor(task, 'review', fingerprint, config) : [];
  if (!requireEnoughLoggedApprovals(repo.root, approvals, config, fingerprint, task.id)) return ExitCode.Ok;
  // Written by wf, not by `git interpret-trailers`: that one honours the user's trailer.* settings and, before
  // git 2.42, puts the trailers above a `---` line in the body, where `git log --format=%(trailers)` finds none.
  const lines = trailerLines(fingerprint, approvals);
  const next = withTrailers(message, lines);
  if (next === null) {
    throw refused('the commit message is empty, so the trailers would become its subject, where git reads none', { where: file, hint: 'git commit -m "<what this change does>"' });
  }
  // Read back the way git will: what git does not see as a trailer is no trailer.
  const back = parseReviewTrailers(next);
  const seen = new Set([...back.hashes.map((h) => `Review-Hash: ${h}`), ...back.ids.map((i) => `Review-Id: ${i.raw}`)]);
  const lost = lines.find((l) => !seen.has(l));
  if (lost !== undefined || back.hashes.length !== 1) {
    throw refused(`git would not read "${lost ?? lines[0]}" as a trailer of this message, so the commit would carry no review`, { where: file, hint: 'end the message with a paragraph of its own (a blank line before it), then commit again' });
  }
  writeFileSync(file, next);
  return ExitCode.Ok;
}

/**
 * Refuses unless `approvals` come from enough distinct reviewers and the audit log holds each of them, as
 * `wf commit` checks: a state edited by hand (or a log deleted) is not evidence. In warn mode too few approvals
 * are reported and let through: false, there is nothing to cite.
 */
function requireEnoughLoggedApprovals(root: string, approvals: ReviewRecord[], config: WfConfig, fingerprint: string, taskId: string | undefined): boolean {
  const reviewers = new Set(approvals.map((a) => a.reviewer)).size;
  if (config.steps.review && reviewers < config.review.minApprovals) {
    const err = refused(
      reviewers === 0
        ? `no approved review${taskId === undefined ? '' : ` of task ${taskId}`} matches the change being committed (fingerprint ${fingerprint.slice(0, 12)}…)`
        : `${reviewers} of ${config.review.minApprovals} distinct approving reviewers for this change (fingerprint ${fingerprint.slice(0, 12)}…)`,
      { hint: `wf status   (lists what is missing), then: ${reviewCommand(config, 'review', taskId)}` },
    );
    if (config.mode !== 'warn') throw err;
    process.stderr.write(`wf (mode: warn, not refusing): ${err.message}\n`);
    return false;
  }
  const inLog = approvalsInAuditLog(root, approvals);
  const unlogged = approvals.find((a) => !inLog.has(approvalKey(a)));
  if (unlogged) {
    throw refused(`the audit log holds no entry for the approval by ${unlogged.reviewer} that this commit would cite: the state and the log disagree`, {
      hint: `wf audit verify, then record the review again: ${reviewCommand(config, 'review', taskId)}`,
    });
  }
  return true;
}
