import { usageError } from '../errors/index.js';
import { withHookExitContract } from './exit-contract.js';
import { nextForCwd, renderNext } from '../ship/index.js';
import { hookInvocation, inInvocationForm } from '../installation/index.js';

/**
 * `wf next [--json] [--task-id <id>]` on the fast path: an agent asks it
 * every turn, so it pays two node-free git processes, not oclif's start-up.
 * `wf next --help` goes to oclif, which documents it.
 */
export async function runNext(args: string[]): Promise<number> {
  let json = false;
  let taskId: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') json = true;
    else if (a === '--task-id' && i + 1 < args.length) taskId = args[++i];
    else if (a.startsWith('--task-id=')) taskId = a.slice('--task-id='.length);
    else throw usageError(`wf next: unexpected argument ${JSON.stringify(a)}`, { hint: 'wf next --help' });
  }
  const next = await nextForCwd(process.cwd(), taskId);
  // The human line in the form of wf that runs here; --json keeps `wf …`, the data's own contract.
  process.stdout.write(json ? `${JSON.stringify(next, null, 2)}\n` : `${inInvocationForm(renderNext(next), hookInvocation(process.env, process.cwd()))}\n`);
  return 0;
}

/** The entry `bin/wf.js` runs for `wf next`, with the hooks' error contract (exit 2 bad input, 3 environment). */
export const runNextCli = (argv: string[]): Promise<number> => withHookExitContract('next', () => runNext(argv));
