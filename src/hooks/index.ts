import { usageError } from '../errors/index.js';
import { withHookExitContract } from './exit-contract.js';

/**
 * The fast path behind `wf hook …`: git and agent hooks call it on every
 * commit and tool use, so it loads no oclif, zod, execa or inquirer (a test
 * asserts which modules it loads). Errors map to exit codes through the same
 * `exitCodeFor` as the oclif side. `bin/wf.js` runs the bundle of one hook
 * (hooks/main-*.ts), so a commit compiles only the code it runs; this
 * dispatcher serves `wf hook` through oclif and names the hooks.
 */
export const HOOK_NAMES = ['pre-commit', 'commit-msg', 'pre-bash', 'pre-edit', 'stop'] as const;

export async function runHookCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  return withHookExitContract(name, async () => {
    switch (name) {
      case 'pre-commit':
        return (await import('./pre-commit.js')).runPreCommit(rest);
      case 'commit-msg':
        return (await import('./commit-msg.js')).runCommitMsg(rest);
      case 'pre-bash':
      case 'pre-edit': {
        const guard = await import('./guard.js');
        return name === 'pre-bash' ? guard.runPreBash() : guard.runPreEdit();
      }
      case 'stop':
        // Its own module, so the stop hook loads neither the shell reader nor the guard rules.
        return (await import('./stop.js')).runStop();
      default:
        throw usageError(`unknown hook ${JSON.stringify(name ?? '')}: expected one of ${HOOK_NAMES.join(', ')}`, {
          hint: 'wf help hook',
        });
    }
  });
}
