// The bundle bin/wf.js runs for `wf hook pre-bash|pre-edit`: this hook's code and nothing else's.
import { withHookExitContract } from './exit-contract.js';
import { runPreBash, runPreEdit } from './guard.js';

export const runHookCli = (argv: string[]): Promise<number> => withHookExitContract(argv[0], () => argv[0] === 'pre-bash' ? runPreBash() : runPreEdit());
