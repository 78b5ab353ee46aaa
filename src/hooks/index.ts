import { ExitCode, exitCodeFor, formatError, usageError } from '../errors/index.js';

/**
 * The fast path behind `wf hook …`: git and agent hooks call it on every
 * commit and tool use, so it loads no oclif, zod, execa or inquirer (a test
 * asserts which modules it loads). Errors map to exit codes through the same
 * `exitCodeFor` as the oclif side.
 */
export const HOOK_NAMES = ['pre-commit', 'commit-msg', 'pre-bash', 'pre-edit', 'stop'] as const;

export async function runHookCli(argv: string[]): Promise<number> {
  try {
    const [name, ...rest] = argv;
    switch (name) {
      case 'pre-commit': {
        const { runPreCommit } = await import('./pre-commit.js');
        return await runPreCommit(rest);
      }
      case 'commit-msg': {
        const { runCommitMsg } = await import('./commit-msg.js');
        return await runCommitMsg(rest);
      }
      case 'pre-bash':
      case 'pre-edit': {
        const guard = await import('./guard.js');
        return await (name === 'pre-bash' ? guard.runPreBash() : guard.runPreEdit());
      }
      case 'stop': {
        // Its own module, so the stop hook loads neither the shell reader nor the guard rules.
        const { runStop } = await import('./stop.js');
        return await runStop();
      }
      default:
        throw usageError(`unknown hook ${JSON.stringify(name ?? '')}: expected one of ${HOOK_NAMES.join(', ')}`, {
          hint: 'wf help hook',
        });
    }
  } catch (err) {
    process.stderr.write(`${formatError(err)}\n`);
    // An agent guard fails closed: any crash blocks the tool call (exit 2) instead of letting it through.
    if (argv[0] === 'pre-bash' || argv[0] === 'pre-edit') return ExitCode.Usage;
    const code = exitCodeFor(err);
    return code === ExitCode.Ok ? ExitCode.Environment : code;
  }
}
