import { fileURLToPath } from 'node:url';
import { ExitCode, exitCodeFor, formatError, isWfError } from '../errors/index.js';

/**
 * The oclif side of `bin/wf.js`. The one place where a thrown error becomes
 * a message and an exit code (the hook fast path uses the same two functions).
 */
export async function runCli(argv: string[]): Promise<number> {
  const { run, flush } = await import('@oclif/core');
  try {
    await run(argv, fileURLToPath(new URL('../../package.json', import.meta.url)));
    await flush();
    return ExitCode.Ok;
  } catch (err) {
    // oclif signals `this.exit(n)` and --version/--help with an ExitError.
    const oclifExit = (err as { oclif?: { exit?: number }; code?: string }).oclif?.exit;
    if ((err as { code?: string }).code === 'EEXIT' && typeof oclifExit === 'number') return oclifExit;
    const code = exitCodeFor(err);
    if (argv.includes('--json')) {
      if (isWfError(err) && err.reported) return code;
      const error = isWfError(err)
        ? { message: err.message, exitCode: code, where: err.where, next: err.hint }
        : { message: (err as Error)?.message ?? String(err), exitCode: code };
      process.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
    } else {
      process.stderr.write(`${formatError(err)}\n`);
    }
    return code;
  }
}
