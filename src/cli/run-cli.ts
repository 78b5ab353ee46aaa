import { fileURLToPath } from 'node:url';
import { ExitCode, isWfError, usageError } from '../errors/index.js';
import { writeFailure } from './failure-output.js';

/**
 * The oclif side of `bin/wf.js`. The one place where a thrown error becomes
 * a message and an exit code (the hook fast path uses the same two functions).
 */
/** Where a failed command line should send the user next: its own command's help, or a close command, in the form the user invoked wf. */
async function nextFor(err: unknown, argv: string[]): Promise<string> {
  const { closestCommand, commandOf } = await import('./command-names.js');
  const { invocationPrefix } = await import('../installation/index.js');
  const wf = invocationPrefix(process.env);
  const message = (err as Error)?.message ?? '';
  const missing = /^command (.+) not found/.exec(message);
  if (missing) {
    // Named, never run: a guess run for a script or an agent would do what nobody asked.
    const guess = closestCommand(missing[1]!);
    return guess ? `${wf} ${guess}   (did you mean it?  all commands: ${wf} --help)` : `${wf} --help`;
  }
  const command = commandOf(argv);
  return command ? `${wf} ${command} --help` : `${wf} --help`;
}

export async function runCli(argv: string[]): Promise<number> {
  // On import oclif checks node against its own engines by loading all of semver: 47 of the 160 files
  // a command loads. wf's package.json engines already tell npm which node wf needs.
  const engineWarning = process.env.OCLIF_DISABLE_ENGINE_WARNING;
  process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';
  // wf ships compiled bundles. Under NODE_ENV=development or test (a developer's shell, a test runner
  // that starts wf) oclif would look for TypeScript sources to transpile, and warn on every command
  // that typescript is missing. oclif reads its settings from this global when it loads.
  const global = globalThis as { oclif?: Record<string, unknown> };
  global.oclif = { ...global.oclif, enableAutoTranspile: false };
  const { run, flush } = await import('@oclif/core');
  if (engineWarning === undefined) delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
  else process.env.OCLIF_DISABLE_ENGINE_WARNING = engineWarning;
  // A reader that stops early (wf --help | head -1) closed the pipe: not an error of wf's.
  // oclif then waits for a write that never completes, and node ends the process as an unsettled
  // top-level await (13); the exit code is the one place to say that nothing went wrong.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.once('exit', () => {
      process.exitCode = ExitCode.Ok;
    });
  });
  try {
    await run(argv, fileURLToPath(new URL('../../package.json', import.meta.url)));
    await flush();
    return ExitCode.Ok;
  } catch (err) {
    // oclif signals `this.exit(n)` and --version/--help with an ExitError.
    const oclifExit = (err as { oclif?: { exit?: number }; code?: string }).oclif?.exit;
    if ((err as { code?: string }).code === 'EEXIT' && typeof oclifExit === 'number') return oclifExit;
    // Ctrl-C at an init prompt: the user's answer, not a bug.
    if ((err as Error)?.name === 'ExitPromptError' || (err as Error)?.name === 'AbortPromptError') {
      process.stderr.write('wf: aborted\n');
      return 130;
    }
    // oclif's own usage errors (unknown flag or command) point at the help of the command that was meant.
    const usage = !isWfError(err) && (err as { oclif?: unknown })?.oclif !== undefined && err instanceof Error;
    const problem = usage ? usageError((err as Error).message.split('\n').filter((l) => !/^See more help with/.test(l)).join('\n').trim(), { hint: await nextFor(err, argv) }) : err;
    return writeFailure(problem, argv.includes('--json'));
  }
}
