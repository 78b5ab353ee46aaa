import { accessSync, constants, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, relative, sep } from 'node:path';
import type { ReviewerConfig } from '../config/index.js';
import type { Repo } from '../git/index.js';
import type { ReviewerFailure } from './outcome.js';

/** Starting one reviewer process on a packet, with its timeout, its process group and Ctrl-C. */

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

/** What any CLI needs to start and find its own configuration; everything else must be named in the reviewer's `env`. */
const BASIC_ENV = /^(HOME|USER|LOGNAME|LANG|LANGUAGE|LC_[A-Z]+|TERM|TZ|TMPDIR|TEMP|TMP|SHELL|XDG_[A-Z_]+|SYSTEMROOT|APPDATA|LOCALAPPDATA|USERPROFILE|COMSPEC|PATHEXT)$/;

export interface ReviewerLaunch {
  /** The program, resolved to an absolute path once, from the trusted PATH. */
  program: string;
  env: Record<string, string>;
  cwd: string;
}

const inside = (dir: string, root: string): boolean => {
  const rel = relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

const realOr = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

/**
 * The PATH a reviewer is looked up on and run with: only absolute folders
 * outside the repository. `PATH=./fake:$PATH` or a folder of the checkout
 * (node_modules/.bin included) is where a change under review could put a
 * program named like the reviewer; such entries are dropped, not trusted.
 */
export function trustedPath(path: string | undefined, repoRoot: string): string[] {
  const root = realOr(repoRoot);
  return (path ?? '').split(delimiter).filter((dir) => dir !== '' && isAbsolute(dir) && !inside(realOr(dir), root) && !inside(dir, repoRoot));
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * How a reviewer is started: its program resolved once to an absolute path
 * on the trusted PATH, and an environment of the basics plus the variables
 * its config names. The signing key, forge tokens, NODE_OPTIONS, LD_PRELOAD
 * and the rest of wf's environment never reach it. Null when the program
 * cannot be found.
 */
export function reviewerLaunch(reviewer: Pick<ReviewerConfig, 'command' | 'env'>, options: { repoRoot: string; cwd: string; env?: NodeJS.ProcessEnv }): ReviewerLaunch | null {
  const source = options.env ?? process.env;
  const dirs = trustedPath(source.PATH, options.repoRoot);
  const env: Record<string, string> = { PATH: dirs.join(delimiter), WF_REVIEW_RUN: '1' };
  for (const [key, value] of Object.entries(source)) if (value !== undefined && BASIC_ENV.test(key)) env[key] = value;
  for (const key of reviewer.env ?? []) if (source[key] !== undefined) env[key] = source[key]!;
  const name = reviewer.command[0]!;
  let program: string | null = null;
  if (isAbsolute(name)) program = isExecutableFile(name) ? name : null;
  else if (name.includes('/') || name.includes(sep)) {
    // A path relative to the repository: the repository's own file, so the reviewed change decides what runs.
    program = null;
  } else {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) {
        program = candidate;
        break;
      }
    }
  }
  return program === null ? null : { program, env, cwd: options.cwd };
}

export interface Spawned {
  durationMs: number;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  failure: { kind: ReviewerFailure; message: string } | null;
}

/** What starting a program needs: a reviewer's config, or a fixer's (which has no verdict to read). */
export type LaunchSpec = Pick<ReviewerConfig, 'command' | 'prompt' | 'timeoutSeconds' | 'env' | 'resumeArgs'>;

export interface SpawnOptions {
  /** How messages name the program: "reviewer" (the default) or "fixer". */
  role?: string;
  /** Where the variables its `env` names are read from (default: wf's environment). */
  env?: NodeJS.ProcessEnv;
}

export async function spawnReviewer(
  repo: Repo,
  name: string,
  reviewer: LaunchSpec,
  packet: string,
  resumeId: string | undefined,
  signal: AbortSignal,
  cwd: string = repo.root,
  options: SpawnOptions = {},
): Promise<Spawned> {
  const role = options.role ?? 'reviewer';
  const launch = reviewerLaunch(reviewer, { repoRoot: repo.root, cwd, ...(options.env ? { env: options.env } : {}) });
  if (launch === null) {
    const program = reviewer.command[0]!;
    const why = isAbsolute(program)
      ? `${program} is not an executable file`
      : program.includes('/')
        ? `${program} is a path inside the repository; a ${role} must be a program from outside it (an absolute path, or a name on PATH)`
        : `${program} is not an executable on the trusted PATH (absolute folders outside the repository)`;
    return { durationMs: 0, stdout: '', stderr: '', exitCode: null, failure: { kind: 'could-not-start', message: `${role} ${name} could not be started: ${why}` } };
  }
  const { execa } = await import('execa');
  const dir = reviewer.prompt === 'file' ? mkdtempSync(join(tmpdir(), 'wf-review-')) : undefined;
  const started = performance.now();
  try {
    const file = dir === undefined ? undefined : join(dir, 'review-packet.md');
    if (file !== undefined) writeFileSync(file, packet, { mode: 0o600 });
    const [, ...args] = reviewerArgv(reviewer, { file, resumeId });
    const program = launch.program;
    const common = {
      cwd: launch.cwd,
      shell: false,
      reject: false,
      // Its own process group, so a timeout or Ctrl-C ends the helpers a CLI reviewer starts too; killing
      // only the leader leaves them holding stdout open, and wf would wait for them past the timeout.
      detached: true,
      stripFinalNewline: false,
      maxBuffer: 64 * 1024 * 1024,
      env: launch.env,
      extendEnv: false,
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
    if (stopped === 'interrupted') failure = { kind: 'interrupted', message: `${role} ${name} was interrupted` };
    else if (stopped === 'timed-out') failure = { kind: 'timed-out', message: `${role} ${name} timed out after ${reviewer.timeoutSeconds} s` };
    else if (result.isMaxBuffer) failure = { kind: 'crashed', message: `${role} ${name} printed more than ${common.maxBuffer / 1024 / 1024} MB` };
    else if (exitCode === null && result.signal === undefined && (spawnCode === 'ENOENT' || spawnCode === 'EACCES')) {
      failure = { kind: 'could-not-start', message: `${role} ${name} could not be started: ${reviewer.command[0]} (${spawnCode === 'ENOENT' ? 'command not found' : 'permission denied'})` };
    } else if (result.signal !== undefined) failure = { kind: 'crashed', message: `${role} ${name} was killed by ${result.signal}` };
    else if (exitCode !== 0) failure = { kind: 'crashed', message: `${role} ${name} exited with code ${exitCode ?? 'unknown'}` };
    else if (result.failed) failure = { kind: 'crashed', message: `${role} ${name} failed: ${result.shortMessage ?? 'unknown error'}` };
    return { durationMs, stdout, stderr, exitCode, failure };
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}
