// The bundle bin/wf.js runs for `wf hook commit-msg`: this hook's code and nothing else's.
import { withHookExitContract } from './exit-contract.js';
import { runCommitMsg } from './commit-msg.js';

export const runHookCli = (argv: string[]): Promise<number> => withHookExitContract(argv[0], () => runCommitMsg(argv.slice(1)));
