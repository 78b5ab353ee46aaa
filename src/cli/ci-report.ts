import { appendFileSync } from 'node:fs';
import { cannotRunReport } from '../ci/index.js';
import { ExitCode, exitCodeFor, isWfError } from '../errors/index.js';

/**
 * A CI check that could not run (bad input, exit 2; the environment, exit 3) must be as visible on
 * the pull request as a failing commit: a red job with nothing in the summary sends people to read
 * raw logs. So every such error, a flag oclif rejected or a file-system failure included, becomes an
 * `::error` annotation and a step-summary line. Refusals (exit 1) already reported themselves.
 */
export function reportCannotRun(check: string, err: unknown, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  if (exitCodeFor(err) === ExitCode.Refused || (isWfError(err) && err.reported)) return;
  const message = err instanceof Error ? err.message.split('\n').filter((l) => !/^See more help with/.test(l)).join(' ').trim() : String(err);
  const { annotation, summary } = cannotRunReport(check, { message, hint: isWfError(err) ? err.hint : `${check} --help` });
  // GitHub reads workflow commands from stderr too; there they stay out of a --json report on stdout.
  if (env.GITHUB_ACTIONS === 'true') (argv.includes('--json') ? process.stderr : process.stdout).write(`${annotation}\n`);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, summary);
}
