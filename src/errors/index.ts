/**
 * Exit codes are a public contract (scripts and CI branch on them), so they
 * live in one enum and are turned into a process exit code in exactly one
 * place: `exitCodeFor` below, called by `bin/wf.js` and the hook fast path.
 */
export enum ExitCode {
  Ok = 0,
  /** A gate or a verification refused. */
  Refused = 1,
  /** Bad input or usage: unknown flag, invalid id, malformed state or config. */
  Usage = 2,
  /** Environment: not a git work tree, git missing, lock not acquired. */
  Environment = 3,
}

export interface WfErrorOptions {
  /** The next command to run, or what to do, shown after the message. */
  hint?: string;
  /** The file or value the error is about. */
  where?: string;
  cause?: unknown;
  /** The command already printed its result (for example a --json report): only the exit code is left to set. */
  reported?: boolean;
}

/**
 * Marks a WfError across copies of this module: each command and the hook
 * fast path are bundles with their own copy of the class, and the one place
 * that maps errors to exit codes must recognise all of them.
 */
const BRAND = Symbol.for('wf-gate.WfError');

/**
 * The one error class of wf. Expected failures are thrown as WfError and
 * printed without a stack trace; anything else is a bug and keeps its stack.
 */
export class WfError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly [BRAND] = true;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly where: string | undefined;
  readonly reported: boolean;

  constructor(exitCode: ExitCode, message: string, options: WfErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WfError';
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.where = options.where;
    this.reported = options.reported ?? false;
  }
}

export const refused = (message: string, options?: WfErrorOptions) =>
  new WfError(ExitCode.Refused, message, options);
export const usageError = (message: string, options?: WfErrorOptions) =>
  new WfError(ExitCode.Usage, message, options);
export const environmentError = (message: string, options?: WfErrorOptions) =>
  new WfError(ExitCode.Environment, message, options);

const ERRNO_WORDS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOENT: 'it does not exist',
  ENOTDIR: 'a part of the path is not a folder',
};

/** A failed read or write of one of wf's files, as a message that names the file and says what to do. */
export function fileSystemError(err: unknown, action: string, path: string, consequence: string): WfError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const why = code === undefined ? String((err as Error)?.message ?? err) : `${code}${ERRNO_WORDS[code] ? `: ${ERRNO_WORDS[code]}` : ''}`;
  const fix =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? `free some space on the disk that holds ${path}, then run the command again`
      : `check ${path} and its folder (ls -ld ${JSON.stringify(path)}), then run the command again`;
  return environmentError(`cannot ${action} ${path} (${why}); ${consequence}`, { where: path, hint: fix });
}

export function isWfError(err: unknown): err is WfError {
  return err instanceof WfError;
}

/** The single mapping from a thrown value to a process exit code. */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof WfError) return err.exitCode;
  // oclif's parser errors (unknown flag, missing argument) carry oclif.exit = 2.
  const oclif = (err as { oclif?: { exit?: unknown } } | null)?.oclif;
  if (oclif && typeof oclif.exit === 'number') return oclif.exit === 0 ? ExitCode.Ok : ExitCode.Usage;
  // File-system failures (EACCES, ENOSPC, ...) and internal bugs: the
  // contract has no better code than "the environment did not let wf work".
  return ExitCode.Environment;
}

/** Human-readable rendering: what, where, next step. No stack for expected errors. */
export function formatError(err: unknown): string {
  if (err instanceof WfError) {
    const lines = [`wf: ${err.message}`];
    if (err.where) lines.push(`  where: ${err.where}`);
    if (err.hint) lines.push(`  next:  ${err.hint}`);
    return lines.join('\n');
  }
  const oclif = (err as { oclif?: { exit?: unknown } } | null)?.oclif;
  if (oclif && err instanceof Error) {
    return `wf: ${err.message}\n  next:  wf --help`;
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      return `wf: ${err.message}\n  next:  check the path and its permissions, then run the command again`;
    }
    return `wf: unexpected internal error (a bug in wf, please report it):\n${err.stack ?? err.message}`;
  }
  return `wf: unexpected internal error: ${String(err)}`;
}
