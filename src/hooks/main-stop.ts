// The bundle bin/wf.js runs for `wf hook stop`: this hook's code and nothing else's.
import { withHookExitContract } from './exit-contract.js';
import { runStop } from './stop.js';

export const runHookCli = (argv: string[]): Promise<number> => withHookExitContract(argv[0], () => runStop());
