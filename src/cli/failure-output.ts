import { exitCodeFor, formatError, isWfError } from '../errors/index.js';

/**
 * Writes a failed command's error, as JSON on stdout under --json (unless the
 * command already reported it), else as the message on stderr; returns the
 * exit code. Shared by oclif's side and the fast read commands.
 */
export function writeFailure(problem: unknown, json: boolean): number {
  const code = exitCodeFor(problem);
  if (json) {
    if (isWfError(problem) && problem.reported) return code;
    const error = isWfError(problem)
      ? { message: problem.message, exitCode: code, where: problem.where, next: problem.hint }
      : { message: (problem as Error)?.message ?? String(problem), exitCode: code };
    process.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
  } else {
    process.stderr.write(`${formatError(problem)}\n`);
  }
  return code;
}
