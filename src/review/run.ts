import { CONFIG_FILE, effectiveConfig, readConfig, uncommittedReviewerChanges, type ReviewerConfig, type WfConfig } from '../config/index.js';
import { isWfError, refused, usageError } from '../errors/index.js';
import { collectStagedChange, readPlanFile } from '../gates/index.js';
import { redactSecrets } from '../redaction/index.js';
import { readState, type ReviewStatus, type ReviewStep, type Task } from '../state/index.js';
import { assertEventLegal, getTask, resolveTask } from '../tasks/index.js';
import type { WorkflowEvent } from '../workflow/index.js';
import { CatFileBatch, currentBranch, headCommit, listStagedChanges, openRepo, type Repo } from '../git/index.js';
import { filterChanges, fingerprintOfChanges } from '../fingerprint/index.js';
import { changeDiff } from './diff.js';
import { refuseSecrets } from './secrets.js';
import { readReviewerAnswer, reviewText, type ReviewerAnswer } from './answer.js';
import type { ReviewerFailure, ReviewerOutcome, ReviewRunReport, ReviewRunRequest } from './outcome.js';
import { buildReviewPacket, type PacketInput } from './packet.js';
import { REVIEWER_PRESET_NAMES } from './presets.js';
import { recordReviewForTask } from './recording.js';
import { RegexTimeLimitError } from './regex-sandbox.js';
import { spawnReviewer, tailLines, type Spawned } from './spawn.js';

/**
 * `wf review run`: wf starts the reviewer itself, hands it a packet of the
 * exact evidence (plan, staged diff, fingerprint), and records only a verdict
 * and session id the reviewer printed. A review typed in by hand can claim
 * anything; one read from the reviewer's own output at least had to come
 * from a process that saw this code.
 */

const NOTES_LINES = 40;
/** Under the audit log's 4,000-character field cap, so the log keeps the notes whole. */
const NOTES_CHARS = 3500;
const STDERR_LINES = 20;

function eventFor(step: ReviewStep, status: ReviewStatus): WorkflowEvent {
  if (step === 'plan-review') return status === 'approved' ? 'plan-approved' : 'plan-needs-revision';
  return status === 'approved' ? 'review-approved' : 'review-needs-revision';
}

function selectReviewers(config: WfConfig, requested: string[] | undefined, pending: readonly string[]): string[] {
  const configured = Object.keys(config.reviewers);
  if (configured.length === 0) {
    // Reviewers come from the config committed at HEAD (config/floor.ts): ones only in the working tree do not run yet.
    if (pending.length > 0) {
      throw usageError(`no reviewers are committed, so wf has nothing to run (${pending.join(', ')} ${pending.length === 1 ? 'is' : 'are'} only in the working tree)`, {
        where: CONFIG_FILE,
        hint: `commit ${CONFIG_FILE} (reviewers are trusted to give verdicts, so they count once committed), then: wf review run`,
      });
    }
    throw usageError('no reviewers are configured, so wf has nothing to run', {
      where: CONFIG_FILE,
      hint: `add a preset: wf init --reviewer ${REVIEWER_PRESET_NAMES.join('|')} (repeatable; it adds to an existing ${CONFIG_FILE}), commit the config, then: wf review run`,
    });
  }
  if (!requested || requested.length === 0) return configured;
  const unknown = requested.filter((name) => !Object.hasOwn(config.reviewers, name));
  if (unknown.length > 0) {
    throw usageError(`no reviewer named ${unknown.map((n) => JSON.stringify(n)).join(', ')} is configured (configured: ${configured.join(', ')})`, {
      where: CONFIG_FILE,
      hint: `wf review run --reviewer ${configured[0]}`,
    });
  }
  return [...new Set(requested)];
}

/**
 * The reviewer's last session id on this task, in any step: a reviewer that
 * saw the plan can go on to the code in the same session. Only ids wf read
 * from the reviewer itself: an id typed into wf record-review becomes an
 * argument of the reviewer's command.
 */
function lastContinuationId(task: Task, reviewer: string): string | null {
  for (let i = task.reviews.length - 1; i >= 0; i--) {
    const review = task.reviews[i]!;
    if (review.reviewer === reviewer && review.via === 'run') return review.continuationId;
  }
  return null;
}

function resumeIds(task: Task, config: WfConfig, names: string[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const name of names) {
    if (!config.reviewers[name]!.resumeArgs) {
      throw usageError(`reviewer ${name} has no resumeArgs in the config, so wf cannot resume its session`, {
        where: `${CONFIG_FILE}: reviewers.${name}`,
        hint: `add "resumeArgs": ["--resume", "{id}"] (the reviewer's own resume flag), or run without --resume: wf review run --reviewer ${name}`,
      });
    }
    const id = lastContinuationId(task, name);
    if (id === null) {
      throw usageError(`reviewer ${name} has no earlier review of task ${task.id} to resume`, {
        hint: `start a fresh session: wf review run --reviewer ${name} --task-id ${task.id}`,
      });
    }
    ids.set(name, id);
  }
  return ids;
}

interface Evidence {
  fingerprint: string;
  plan: PacketInput['plan'];
  diff: string | null;
}

async function gatherEvidence(repo: Repo, config: WfConfig, task: Task, step: ReviewStep): Promise<Evidence> {
  const planFile = readPlanFile(repo.root, task);
  const plan = task.plan ? { path: task.plan.path, text: planFile.text } : null;
  if (step === 'plan-review') {
    if (!task.plan || planFile.digest === null) throw refused(`task ${task.id} has no registered plan to review`, { hint: `wf plan --task-id ${task.id}` });
    if (planFile.digest !== task.plan.digest) {
      throw refused(`the plan ${task.plan.path} changed after it was registered`, { where: task.plan.path, hint: `register the new text first: wf plan --task-id ${task.id}` });
    }
    return { fingerprint: planFile.digest, plan, diff: null };
  }
  // The fingerprint and the diff come from one listing of the index, so the packet shows exactly the fingerprinted
  // blobs; recording compares against this fingerprint after the reviewer ran, so any later move is caught.
  const changes = filterChanges(await listStagedChanges(repo, await headCommit(repo)), config.fingerprint.exclude);
  if (changes.length === 0) throw refused('nothing is staged, so there is no code to review', { hint: 'git add <files>, then: wf test && wf review run' });
  const batch = new CatFileBatch(repo.root, repo.env);
  try {
    const { fingerprint } = await fingerprintOfChanges(repo, changes, [], batch);
    const diff = await changeDiff(batch, changes);
    refuseSecrets(diff, config, 'the staged change');
    return { fingerprint, plan, diff };
  } finally {
    await batch.close();
  }
}

/** Whether the evidence still equals what the reviewer was shown. */
async function evidenceNow(repo: Repo, config: WfConfig, task: Task, step: ReviewStep): Promise<string | null> {
  if (step === 'plan-review') return readPlanFile(repo.root, task).digest;
  return (await collectStagedChange(repo, config)).fingerprint;
}

function failed(name: string, kind: ReviewerFailure, message: string, spawned: Spawned | null, hint?: string): ReviewerOutcome {
  const stdout = spawned ? redactSecrets(spawned.stdout) : '';
  const stderr = spawned ? redactSecrets(spawned.stderr) : '';
  return {
    reviewer: name,
    outcome: 'failed',
    failure: kind,
    message: redactSecrets(message),
    hint: hint ?? `check reviewers.${name} in ${CONFIG_FILE}, then run it again: wf review run --reviewer ${name}`,
    exitCode: spawned?.exitCode ?? null,
    durationMs: Math.round(spawned?.durationMs ?? 0),
    stderrTail: tailLines(stderr, STDERR_LINES),
    stdoutTail: tailLines(stdout, STDERR_LINES),
  };
}

function notesFrom(stdout: string, reviewer: ReviewerConfig): string {
  return tailLines(redactSecrets(reviewText(stdout, reviewer.verdict)), NOTES_LINES, NOTES_CHARS);
}

/**
 * Runs the selected reviewers one after another on one packet and records
 * each verdict they print. Nothing is recorded for a reviewer that failed to
 * give a verdict and a real session id, or whose evidence moved meanwhile.
 * Input problems (no reviewers, unknown name, nothing to resume) are thrown
 * before anything runs; per-reviewer failures are returned in the report.
 */
export async function runReviews(req: ReviewRunRequest): Promise<ReviewRunReport> {
  const progress = req.onProgress ?? (() => undefined);
  const repo = await openRepo(req.cwd);
  const working = readConfig(repo.root);
  const config = await effectiveConfig(repo, working);
  const pending = uncommittedReviewerChanges(working, config);
  if (pending.length > 0) {
    progress(`wf: reviewers ${pending.join(', ')} differ from the committed config; wf runs the reviewers committed at HEAD (a change to reviewers takes effect once it is reviewed and committed)`);
  }
  const names = selectReviewers(config, req.reviewers, pending);
  const state = readState(repo.root);
  const { task } = resolveTask(state, { explicit: req.taskId, env: process.env.WF_TASK_ID, branch: currentBranch(repo) });
  const step: ReviewStep = req.step ?? (task.step === 'plan-review' || task.step === 'plan' ? 'plan-review' : 'review');
  if (!config.steps[step]) throw usageError(`steps.${step} is off in the config, so there is no ${step} to run`, { where: CONFIG_FILE, hint: 'wf status' });
  // Refuse an illegal move before a reviewer spends minutes on it.
  assertEventLegal(task, eventFor(step, 'approved'), config);
  const resume = req.resume ? resumeIds(task, config, names) : new Map<string, string>();
  const evidence = await gatherEvidence(repo, config, task, step);
  const previous = [...task.reviews].reverse().find((r) => r.step === step) ?? null;
  const packet = buildReviewPacket({ taskId: task.id, title: task.title, step, fingerprint: evidence.fingerprint, plan: evidence.plan, diff: evidence.diff, previous });

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  // `on`, not `once`: execa's exit handler re-raises the signal when it sees no other listener, which would kill wf before it reports.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const outcomes: ReviewerOutcome[] = [];
  let stopReason: string | null = null;
  try {
    for (const name of names) {
      if (stopReason !== null) {
        outcomes.push({ reviewer: name, outcome: 'skipped', message: `not run: ${stopReason}` });
        continue;
      }
      // An earlier reviewer's needs-revision sends the task back; a verdict from here on could not be recorded.
      const current = getTask(readState(repo.root), task.id);
      try {
        assertEventLegal(current, eventFor(step, 'approved'), config);
      } catch (err) {
        if (!isWfError(err)) throw err;
        outcomes.push({ reviewer: name, outcome: 'skipped', message: `not run: task ${task.id} moved on to ${current.step} after the verdicts above` });
        continue;
      }
      const reviewer = config.reviewers[name]!;
      const resumeId = resume.get(name);
      progress(`wf: running reviewer ${name} on ${step} of task ${task.id} (${evidence.fingerprint.slice(0, 12)}…, timeout ${reviewer.timeoutSeconds} s)${resumeId ? `, resuming ${resumeId}` : ''}`);
      const spawned = await spawnReviewer(repo, name, reviewer, packet, resumeId, controller.signal);
      if (spawned.failure) {
        const again = spawned.failure.kind === 'interrupted' ? `run it again when ready: wf review run --task-id ${task.id}` : undefined;
        outcomes.push(failed(name, spawned.failure.kind, `${spawned.failure.message}; nothing was recorded`, spawned, again));
        if (spawned.failure.kind === 'interrupted') stopReason = 'the run was interrupted';
        continue;
      }
      let answer: ReviewerAnswer;
      let notes: string;
      try {
        answer = readReviewerAnswer(spawned.stdout, reviewer);
        notes = notesFrom(spawned.stdout, reviewer);
      } catch (err) {
        if (!(err instanceof RegexTimeLimitError)) throw err;
        outcomes.push(
          failed(name, 'no-verdict', `${err.message}; nothing was recorded`, spawned, `simplify the regex in reviewers.${name} of ${CONFIG_FILE} (nested quantifiers such as (\\w+\\s?)+ backtrack without end), then: wf review run --reviewer ${name}`),
        );
        continue;
      }
      if (answer.verdict === null) {
        // Redact before cutting: a token cut in half is one no redaction rule recognises.
        const saw = answer.verdictText === null ? `no verdict (reviewers.${name}.verdict matched nothing; the packet asks for a line of its own, "VERDICT: APPROVED" or "VERDICT: NEEDS_REVISION")` : `${JSON.stringify(redactSecrets(answer.verdictText).slice(0, 40))} where the verdict goes, which is neither APPROVED nor NEEDS_REVISION`;
        outcomes.push(failed(name, 'no-verdict', `reviewer ${name} printed ${saw}; nothing was recorded`, spawned));
        continue;
      }
      if (answer.continuationId === null) {
        outcomes.push(failed(name, 'no-continuation-id', `reviewer ${name} ${answer.continuationIdProblem ?? 'printed no continuation id'}; nothing was recorded`, spawned));
        continue;
      }
      if ((await evidenceNow(repo, config, task, step)) !== evidence.fingerprint) {
        const what = step === 'review' ? 'the staged change' : 'the plan';
        const again = step === 'review' ? 'wf review run' : `wf plan --task-id ${task.id} && wf review run --step plan-review`;
        outcomes.push(failed(name, 'change-moved', `${what} moved while reviewer ${name} ran; its verdict was about other ${step === 'review' ? 'code' : 'text'}, and nothing was recorded`, spawned, `stop editing (and check that the reviewer does not edit files), then run the review again: ${again}`));
        stopReason = `${what} moved, so the packet no longer shows it`;
        continue;
      }
      try {
        const recorded = await recordReviewForTask({
          taskId: task.id,
          step,
          reviewer: name,
          continuationId: answer.continuationId,
          status: answer.verdict,
          notes,
          expectedFingerprint: evidence.fingerprint,
          via: 'run',
          cwd: repo.root,
        });
        outcomes.push({
          reviewer: name,
          outcome: 'recorded',
          status: recorded.status,
          continuationId: recorded.continuationId,
          resumedFrom: resumeId ?? null,
          taskStep: recorded.taskStep,
          auditHash: recorded.auditHash,
          durationMs: Math.round(spawned.durationMs),
          notes,
        });
      } catch (err) {
        if (!isWfError(err)) throw err;
        outcomes.push(failed(name, 'not-recorded', `the verdict of reviewer ${name} was not recorded: ${err.message}`, spawned, err.hint));
      }
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGHUP', onSignal);
  }
  const after = getTask(readState(repo.root), task.id);
  return { taskId: task.id, step, fingerprint: evidence.fingerprint, taskStep: after.step, reviewers: outcomes };
}
