import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { CONFIG_FILE, type ReviewerConfig, type ReviewerExtractor, type WfConfig } from './config.js';
import { loadConfig } from './config-load.js';
import { effectiveConfig, uncommittedReviewerChanges } from './committed-floor.js';
import { isWfError, refused, usageError } from './errors.js';
import { collectStagedChange, readPlanFile } from './evidence.js';
import { placeholderReason } from './placeholder-id.js';
import { redactSecrets } from './redact.js';
import { recordReviewForTask } from './review-recording.js';
import { AUDIT_FILE, STATE_FILE, SUBTASKS_DIR, type ReviewRecord, type ReviewStatus, type ReviewStep, type Task } from './state.js';
import { readState } from './store.js';
import { assertEventLegal, getTask } from './task-ops.js';
import { resolveTask } from './task-resolution.js';
import type { WorkflowEvent } from './workflow.js';
import { runGit } from '../git/git.js';
import { currentBranch, openRepo, type Repo } from '../git/repo.js';

/**
 * `wf review run`: wf starts the reviewer itself, hands it a packet of the
 * exact evidence (plan, staged diff, fingerprint), and records only a verdict
 * and session id the reviewer printed. A review typed in by hand can claim
 * anything; one read from the reviewer's own output at least had to come
 * from a process that saw this code.
 */

// ---------------------------------------------------------------------------
// Reading the reviewer's answer (pure, unit-tested)

const VERDICT_WORDS: ReadonlyMap<string, ReviewStatus> = new Map([
  ['APPROVED', 'approved'],
  ['APPROVE', 'approved'],
  ['NEEDS_REVISION', 'needs-revision'],
  ['NEEDS-REVISION', 'needs-revision'],
  ['REQUEST_CHANGES', 'needs-revision'],
  ['CHANGES_REQUESTED', 'needs-revision'],
]);

/** A verdict word in any case, or null: anything unrecognised must not be read as either verdict. */
export function normalizeVerdict(word: string): ReviewStatus | null {
  return VERDICT_WORDS.get(word.trim().toUpperCase()) ?? null;
}

/** The value at a dotted path (numeric parts index arrays), or undefined. Own properties only, so `constructor` finds nothing. */
export function valueAtPath(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(part)) return undefined;
      current = current[Number(part)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, part)) {
      current = (current as Record<string, unknown>)[part];
    } else {
      return undefined;
    }
  }
  return current;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Stdout as one JSON document, else as JSON Lines: the last line that parses
 * and has the path. Streaming reviewers print the session id in an early
 * event and the result in the last one, so "the last line that parses" alone
 * would miss one of the two.
 */
export function jsonValueAt(stdout: string, path: string): unknown {
  const whole = parseJson(stdout.trim());
  if (whole.ok) return valueAtPath(whole.value, path);
  const lines = stdout.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const parsed = parseJson(line);
    if (!parsed.ok) continue;
    const value = valueAtPath(parsed.value, path);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** How long one config regex may run over a reviewer's output. */
export const REGEX_TIME_LIMIT_MS = 2000;

/** A config regex that ran past REGEX_TIME_LIMIT_MS (nested quantifiers can backtrack for hours). */
export class RegexTimeLimitError extends Error {
  constructor(readonly source: string) {
    super(`the regular expression ${JSON.stringify(source)} ran longer than ${REGEX_TIME_LIMIT_MS / 1000} s on the reviewer's output`);
  }
}

let regexContext: vm.Context | undefined;
const CAPTURES = new vm.Script(
  "Array.from(text.matchAll(new RegExp(source, 'gm')), (m) => { for (let i = 1; i < m.length; i++) if (m[i] !== undefined) return m[i]; return null; })",
);

/**
 * Each match's first participating group, in order. The regex comes from the
 * config and the text from a program wf does not control, so it runs in a
 * separate V8 context under a time limit: V8 interrupts a backtracking regex
 * there, and nowhere else. Multiline, so ^ and $ are line anchors.
 */
export function allCaptures(text: string, source: string): string[] {
  regexContext ??= vm.createContext({});
  regexContext.text = text;
  regexContext.source = source;
  try {
    const found = CAPTURES.runInContext(regexContext, { timeout: REGEX_TIME_LIMIT_MS }) as unknown[];
    return Array.from(found).filter((g): g is string => typeof g === 'string');
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new RegexTimeLimitError(source);
    throw err;
  } finally {
    regexContext.text = '';
  }
}

const FIRST_MATCHING = new vm.Script("(() => { const re = new RegExp(source, 'm'); return strings.findIndex((s) => re.test(s)); })()");

/** The index of the first string the regex matches, or -1: one run under one time limit, however many strings. */
export function firstMatching(strings: readonly string[], source: string): number {
  if (strings.length === 0) return -1;
  regexContext ??= vm.createContext({});
  regexContext.strings = strings;
  regexContext.source = source;
  try {
    return FIRST_MATCHING.runInContext(regexContext, { timeout: REGEX_TIME_LIMIT_MS }) as number;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new RegexTimeLimitError(source);
    throw err;
  } finally {
    regexContext.strings = [];
  }
}

/** The last match wins: a reviewer that quotes the instructions before answering must be judged by its answer. */
function lastCapture(text: string, source: string): string | null {
  return allCaptures(text, source).at(-1) ?? null;
}

/** One value from the reviewer's stdout: the string at jsonPath, the regex's capture, or the regex applied to the string at jsonPath. */
export function extractValue(stdout: string, extractor: ReviewerExtractor): string | null {
  let text = stdout;
  if (extractor.jsonPath !== undefined) {
    const value = jsonValueAt(stdout, extractor.jsonPath);
    if (typeof value === 'string') text = value;
    else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
    else return null;
  }
  return extractor.regex === undefined ? text : lastCapture(text, extractor.regex);
}

/** Why a continuation id cannot be recorded, or null. It ends up in a `Review-Id:` trailer, so it must be one token. */
export function continuationIdProblem(id: string): string | null {
  if (id === '') return 'printed no continuation id';
  if (id.length > 256) return 'printed a continuation id longer than 256 characters';
  if (/[\s\p{Cc}]/u.test(id)) return 'printed a continuation id with whitespace or control characters';
  // --resume hands it back as an argument, where it would read as an option.
  if (id.startsWith('-')) return `printed a continuation id that starts with "-" (${JSON.stringify(id.slice(0, 40))})`;
  const reason = placeholderReason(id);
  return reason === null ? null : `printed the placeholder continuation id ${JSON.stringify(id)} (${reason})`;
}

export interface ReviewerAnswer {
  verdict: ReviewStatus | null;
  /** What stood where the verdict goes, to say why it was not one. */
  verdictText: string | null;
  continuationId: string | null;
  continuationIdProblem: string | null;
}

/**
 * What stands where the verdict goes. A regex alone is applied to the review
 * text (the JSON string that holds a match, for reviewers that wrap their
 * answer in JSON), not to the raw JSON, so that its ^ and $ see the
 * reviewer's lines: the default regex accepts only a VERDICT line of its own,
 * and "once fixed I would give VERDICT: APPROVED" in a sentence is no verdict.
 */
export function verdictTextFrom(stdout: string, extractor: ReviewerExtractor): string | null {
  if (extractor.regex === undefined || extractor.jsonPath !== undefined) return extractValue(stdout, extractor);
  return lastCapture(reviewText(stdout, extractor), extractor.regex);
}

export function readReviewerAnswer(stdout: string, reviewer: Pick<ReviewerConfig, 'verdict' | 'continuationId'>): ReviewerAnswer {
  const verdictText = verdictTextFrom(stdout, reviewer.verdict);
  const rawId = extractValue(stdout, reviewer.continuationId)?.trim() ?? '';
  const problem = continuationIdProblem(rawId);
  return {
    verdict: verdictText === null ? null : normalizeVerdict(verdictText),
    verdictText,
    continuationId: problem === null ? rawId : null,
    continuationIdProblem: problem,
  };
}

/**
 * The reviewer's argv: command (with `{file}` filled in), then the resume
 * arguments, then the packet file when no argument names it. A function
 * replacement keeps a `$&` in a path or id literal.
 */
export function reviewerArgv(reviewer: Pick<ReviewerConfig, 'command' | 'prompt' | 'resumeArgs'>, options: { file?: string | undefined; resumeId?: string | undefined } = {}): string[] {
  const { file, resumeId } = options;
  const args = reviewer.command.map((a) => (file === undefined ? a : a.replaceAll('{file}', () => file)));
  if (resumeId !== undefined) args.push(...(reviewer.resumeArgs ?? []).map((a) => a.replaceAll('{id}', () => resumeId)));
  if (reviewer.prompt === 'file' && file !== undefined && !reviewer.command.some((a) => a.includes('{file}'))) args.push(file);
  return args;
}

/** The last `lines` lines, at most `maxChars` characters. Redact before cutting: a cut through a token leaves a fragment no rule recognises. */
export function tailLines(text: string, lines = 20, maxChars = 3000): string {
  const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
  return tail.length > maxChars ? `…${tail.slice(-maxChars)}` : tail;
}

// ---------------------------------------------------------------------------
// The review packet

export interface PacketInput {
  taskId: string;
  title: string;
  step: ReviewStep;
  fingerprint: string;
  plan: { path: string; text: string | null } | null;
  /** The staged diff, for a code review. */
  diff: string | null;
  previous: ReviewRecord | null;
}

/** A fence longer than any backtick run inside, so a diff of Markdown cannot close it early. */
function fenced(text: string, lang = ''): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text.endsWith('\n') ? text : `${text}\n`}${fence}`;
}

export function buildReviewPacket(p: PacketInput): string {
  const code = p.step === 'review';
  const parts = [
    '# Review request from wf',
    '',
    `Task: ${p.taskId} — ${p.title}`,
    `Step: ${p.step} (${code ? 'review exactly the staged code change below' : 'review the plan below before any code is written'})`,
    `Fingerprint: ${p.fingerprint}`,
    code
      ? '(SHA-256 of the staged change; `wf hash` prints the same value. Your verdict is recorded against exactly this code.)'
      : "(SHA-256 of the plan file's bytes. Your verdict is recorded against exactly this text.)",
    '',
    '## What to do',
    '',
    code
      ? 'Check that the change does what the plan says, is correct, handles its error paths, is tested, and introduces no security problem. Do not modify any file: a change to the staged code while you review voids the review.'
      : 'Check that the plan is concrete, complete, testable and safe: goal, approach, error paths, tests. Do not modify any file.',
    'List each finding with the file and what to change. Secrets in this packet were replaced with [REDACTED:…] markers on purpose.',
    '',
    `## The plan${p.plan ? ` (${p.plan.path})` : ''}`,
    '',
    p.plan?.text ? fenced(p.plan.text, 'markdown') : '(no plan is registered for this task)',
  ];
  if (code) {
    parts.push('', '## The staged diff', '', p.diff ? fenced(p.diff, 'diff') : '(the diff is empty: only modes or excluded files changed)');
  }
  if (p.previous) {
    parts.push(
      '',
      `## Findings of the previous ${p.step} (${p.previous.reviewer}, ${p.previous.status}, ${p.previous.at})`,
      '',
      p.previous.notes ? fenced(p.previous.notes) : '(none were recorded)',
      '',
      'Check whether these findings are resolved.',
    );
  }
  parts.push(
    '',
    '## Verdict',
    '',
    'End your answer with exactly one of these two lines, on a line of its own:',
    '',
    'VERDICT: APPROVED',
    'VERDICT: NEEDS_REVISION',
    '',
  );
  return parts.join('\n');
}

// ---------------------------------------------------------------------------
// Running reviewers

export type ReviewerFailure = 'could-not-start' | 'timed-out' | 'crashed' | 'no-verdict' | 'no-continuation-id' | 'change-moved' | 'not-recorded' | 'interrupted';

export type ReviewerOutcome =
  | {
      reviewer: string;
      outcome: 'recorded';
      status: ReviewStatus;
      continuationId: string;
      resumedFrom: string | null;
      taskStep: string;
      auditHash: string;
      durationMs: number;
      notes: string;
    }
  | {
      reviewer: string;
      outcome: 'failed';
      failure: ReviewerFailure;
      message: string;
      hint: string;
      exitCode: number | null;
      durationMs: number;
      stderrTail: string;
      stdoutTail: string;
    }
  | { reviewer: string; outcome: 'skipped'; message: string };

export interface ReviewRunRequest {
  taskId?: string | undefined;
  step?: ReviewStep | undefined;
  /** Names from `reviewers` in the config; empty or absent means all of them, in config order. */
  reviewers?: string[] | undefined;
  resume?: boolean | undefined;
  cwd?: string | undefined;
  /** Progress lines (which reviewer is running); the command sends them to stderr. */
  onProgress?: ((line: string) => void) | undefined;
}

export interface ReviewRunReport {
  taskId: string;
  step: ReviewStep;
  fingerprint: string;
  /** The task's step after the run. */
  taskStep: string;
  reviewers: ReviewerOutcome[];
}

const CONFIG_EXAMPLE =
  '"reviewers": {"gemini": {"command": ["gemini", "-p"], "prompt": "stdin", "timeoutSeconds": 600, "continuationId": {"jsonPath": "session_id"}, "resumeArgs": ["--resume", "{id}"]}}';

const NOTES_LINES = 40;
/** Under the audit log's 4,000-character field cap, so the log keeps the notes whole. */
const NOTES_CHARS = 3500;
const STDERR_LINES = 20;

function eventFor(step: ReviewStep, status: ReviewStatus): WorkflowEvent {
  if (step === 'plan-review') return status === 'approved' ? 'plan-approved' : 'plan-needs-revision';
  return status === 'approved' ? 'review-approved' : 'review-needs-revision';
}

function selectReviewers(config: WfConfig, requested: string[] | undefined): string[] {
  const configured = Object.keys(config.reviewers);
  if (configured.length === 0) {
    throw usageError('no reviewers are configured, so wf has nothing to run', {
      where: CONFIG_FILE,
      hint: `add one to ${CONFIG_FILE}, for example ${CONFIG_EXAMPLE}, then: wf review run`,
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
  // The fingerprint is taken before the diff and before the reviewer runs; recording compares against it, so any later move is caught.
  const staged = await collectStagedChange(repo, config);
  if (staged.files.size === 0) throw refused('nothing is staged, so there is no code to review', { hint: 'git add <files>, then: wf test && wf review run' });
  const args = ['diff', '--cached', '--no-ext-diff', '--no-textconv', '--no-color'];
  if (staged.head) args.push(staged.head);
  args.push('--', '.', `:(exclude)${STATE_FILE}`, `:(exclude)${AUDIT_FILE}`, `:(exclude)${SUBTASKS_DIR}`);
  const diff = (await runGit(args, { cwd: repo.root, env: repo.env })).stdout.toString('utf8');
  return { fingerprint: staged.fingerprint, plan, diff };
}

/** Whether the evidence still equals what the reviewer was shown. */
async function evidenceNow(repo: Repo, config: WfConfig, task: Task, step: ReviewStep): Promise<string | null> {
  if (step === 'plan-review') return readPlanFile(repo.root, task).digest;
  return (await collectStagedChange(repo, config)).fingerprint;
}

interface Spawned {
  durationMs: number;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  failure: { kind: ReviewerFailure; message: string } | null;
}

async function spawnReviewer(repo: Repo, name: string, reviewer: ReviewerConfig, packet: string, resumeId: string | undefined, signal: AbortSignal): Promise<Spawned> {
  const { execa } = await import('execa');
  const dir = reviewer.prompt === 'file' ? mkdtempSync(join(tmpdir(), 'wf-review-')) : undefined;
  const started = performance.now();
  try {
    const file = dir === undefined ? undefined : join(dir, 'review-packet.md');
    if (file !== undefined) writeFileSync(file, packet, { mode: 0o600 });
    const [program, ...args] = reviewerArgv(reviewer, { file, resumeId });
    const common = {
      cwd: repo.root,
      shell: false,
      reject: false,
      // Its own process group, so a timeout or Ctrl-C ends the helpers a CLI reviewer starts too; killing
      // only the leader leaves them holding stdout open, and wf would wait for them past the timeout.
      detached: true,
      stripFinalNewline: false,
      maxBuffer: 64 * 1024 * 1024,
      env: { WF_REVIEW_RUN: '1' },
    } as const;
    const subprocess = file === undefined ? execa(program!, args, { ...common, input: packet }) : execa(program!, args, { ...common, stdin: 'ignore' });
    const killGroup = (sig: NodeJS.Signals) => {
      if (subprocess.pid === undefined) return;
      try {
        process.kill(-subprocess.pid, sig);
      } catch (err) {
        // ESRCH: the group is gone already. Anything else (no process groups, as on Windows): the reviewer alone.
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') subprocess.kill(sig);
      }
    };
    let stopped: 'timed-out' | 'interrupted' | null = null;
    let forceKill: NodeJS.Timeout | undefined;
    const stop = (why: 'timed-out' | 'interrupted') => {
      if (stopped) return;
      stopped = why;
      killGroup('SIGTERM');
      forceKill = setTimeout(() => killGroup('SIGKILL'), 2000);
    };
    const timer = setTimeout(() => stop('timed-out'), reviewer.timeoutSeconds * 1000);
    const onAbort = () => stop('interrupted');
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    let result;
    try {
      result = await subprocess;
    } finally {
      clearTimeout(timer);
      clearTimeout(forceKill);
      signal.removeEventListener('abort', onAbort);
      // Whatever the reviewer left running in the background ends with it.
      killGroup('SIGKILL');
    }
    const durationMs = performance.now() - started;
    const stdout = typeof result.stdout === 'string' ? result.stdout : '';
    const stderr = typeof result.stderr === 'string' ? result.stderr : '';
    const exitCode = result.exitCode ?? null;
    const spawnCode = (result as { code?: unknown }).code;
    let failure: Spawned['failure'] = null;
    if (stopped === 'interrupted') failure = { kind: 'interrupted', message: `reviewer ${name} was interrupted` };
    else if (stopped === 'timed-out') failure = { kind: 'timed-out', message: `reviewer ${name} timed out after ${reviewer.timeoutSeconds} s` };
    else if (result.isMaxBuffer) failure = { kind: 'crashed', message: `reviewer ${name} printed more than ${common.maxBuffer / 1024 / 1024} MB` };
    else if (exitCode === null && result.signal === undefined && (spawnCode === 'ENOENT' || spawnCode === 'EACCES')) {
      failure = { kind: 'could-not-start', message: `reviewer ${name} could not be started: ${reviewer.command[0]} (${spawnCode === 'ENOENT' ? 'command not found' : 'permission denied'})` };
    } else if (result.signal !== undefined) failure = { kind: 'crashed', message: `reviewer ${name} was killed by ${result.signal}` };
    else if (exitCode !== 0) failure = { kind: 'crashed', message: `reviewer ${name} exited with code ${exitCode ?? 'unknown'}` };
    else if (result.failed) failure = { kind: 'crashed', message: `reviewer ${name} failed: ${result.shortMessage ?? 'unknown error'}` };
    return { durationMs, stdout, stderr, exitCode, failure };
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
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

/** Every string inside a JSON value, depth-first in document order. */
function stringsIn(value: unknown, out: string[], depth = 0): string[] {
  if (typeof value === 'string') out.push(value);
  else if (depth <= 32 && typeof value === 'object' && value !== null) {
    for (const child of Array.isArray(value) ? value : Object.values(value)) stringsIn(child, out, depth + 1);
  }
  return out;
}

/**
 * The review text the verdict came from, for the notes: the string at the
 * verdict's jsonPath, else the JSON string that holds the verdict (CLI
 * reviewers wrap the text in JSON), else stdout. JSON escapes and framing
 * would make the findings unreadable to the next reviewer.
 */
export function reviewText(stdout: string, verdict: ReviewerExtractor): string {
  if (verdict.jsonPath !== undefined) {
    const at = jsonValueAt(stdout, verdict.jsonPath);
    return typeof at === 'string' ? at : stdout;
  }
  if (verdict.regex === undefined) return stdout;
  const whole = parseJson(stdout.trim());
  const documents = whole.ok ? [whole.value] : stdout.split('\n').reverse().map((l) => parseJson(l.trim())).flatMap((r) => (r.ok ? [r.value] : []));
  // The last document first, and in each the last string first: the first candidate that matches wins.
  const candidates = documents.flatMap((doc) => stringsIn(doc, []).reverse());
  const index = firstMatching(candidates, verdict.regex);
  return index >= 0 ? candidates[index]! : stdout;
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
  const working = loadConfig(repo.root);
  const config = await effectiveConfig(repo, working);
  const pending = uncommittedReviewerChanges(working, config);
  if (pending.length > 0) {
    progress(`wf: reviewers ${pending.join(', ')} differ from the committed config; wf runs the reviewers committed at HEAD (a change to reviewers takes effect once it is reviewed and committed)`);
  }
  const names = selectReviewers(config, req.reviewers);
  const state = readState(repo.root);
  const { task } = resolveTask(state, { explicit: req.taskId, env: process.env.WF_TASK_ID, branch: currentBranch(repo) });
  const step: ReviewStep = req.step ?? (task.step === 'plan-review' || task.step === 'plan' ? 'plan-review' : 'review');
  if (!config.steps[step]) throw usageError(`steps.${step} is off in the config, so there is no ${step} to run`, { where: CONFIG_FILE, hint: 'wf status' });
  // Refuse an illegal move before a reviewer spends minutes on it.
  assertEventLegal(task, eventFor(step, 'approved'), config);
  const resume = req.resume ? resumeIds(task, config, names) : new Map<string, string>();
  const evidence = await gatherEvidence(repo, config, task, step);
  const previous = [...task.reviews].reverse().find((r) => r.step === step) ?? null;
  const packet = redactSecrets(buildReviewPacket({ taskId: task.id, title: task.title, step, fingerprint: evidence.fingerprint, plan: evidence.plan, diff: evidence.diff, previous }));

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
