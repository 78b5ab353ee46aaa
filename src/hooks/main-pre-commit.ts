// The bundle bin/wf.js runs for `wf hook pre-commit`: this hook's code and nothing else's.
import { withHookExitContract } from './exit-contract.js';
import { runPreCommit } from './pre-commit.js';

export const runHookCli = (argv: string[]): Promise<number> => withHookExitContract(argv[0], () => runPreCommit(argv.slice(1)));
