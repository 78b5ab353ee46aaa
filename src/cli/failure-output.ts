import { exitCodeFor, formatError, isWfError } from '../errors/index.js';
import { inInvocationForm, invocationPrefix } from '../installation/index.js';

/**
 * Writes a failed command's error, as JSON on stdout under --json (unless the
 * command already reported it), else as the message on stderr; returns the
 * exit code. Shared by oclif's side and the fast read commands.
 */
export function writeFailure(problem: unknown, json: boolean): number {
  const code = exitCodeFor(problem);
  const wf = invocationPrefix(process.env);
  if (json) {
    if (isWfError(problem) && problem.reported) return code;
    const error = isWfError(problem)
      ? { message: problem.message, exitCode: code, where: problem.where, next: problem.hint === undefined ? undefined : inInvocationForm(problem.hint, wf) }
      : { message: (problem as Error)?.message ?? String(problem), exitCode: code };
    process.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
  } else {
    process.stderr.write(`${inInvocationForm(formatError(problem), wf)}\n`);
  }
  return code;
}
