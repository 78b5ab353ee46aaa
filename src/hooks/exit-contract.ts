import { ExitCode, exitCodeFor, formatError } from '../errors/index.js';

/**
 * The exit codes a hook answers with, shared by the dispatcher and each
 * hook's own bundle: 0 allowed, 1 refused, 2 bad input, 3 environment. A
 * crash is never "allowed": a git hook reports it as 3, and an agent guard
 * fails closed with 2, which Claude Code treats as "block".
 */
export async function withHookExitContract(name: string | undefined, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    process.stderr.write(`${formatError(err)}\n`);
    if (name === 'pre-bash' || name === 'pre-edit') return ExitCode.Usage;
    const code = exitCodeFor(err);
    return code === ExitCode.Ok ? ExitCode.Environment : code;
  }
}
