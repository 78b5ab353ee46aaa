import { ExitCode, exitCodeFor, formatError } from '../errors/index.js';
import { hookInvocation, inInvocationForm } from '../installation/index.js';

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
    writeHookMessage(formatError(err));
    if (name === 'pre-bash' || name === 'pre-edit') return ExitCode.Usage;
    const code = exitCodeFor(err);
    return code === ExitCode.Ok ? ExitCode.Environment : code;
  }
}

/** A hook's message on stderr, its commands in the form that runs where the hook does (hookInvocation: git and Claude Code run hooks at the root). */
export function writeHookMessage(text: string): void {
  process.stderr.write(`${inInvocationForm(text, hookInvocation(process.env, process.cwd()))}\n`);
}
