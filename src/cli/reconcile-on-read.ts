import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { reconcileLandedCommits as Reconcile } from '../commit/index.js';
import type { WfConfig } from '../config/index.js';
import type { Repo } from '../git/index.js';
import { packageRoot } from '../installation/index.js';
import type { State } from '../state/index.js';

/**
 * Records a reviewed change that was committed with plain `git commit` (commit/reconcile.ts) before a
 * command reads its task. Only when some task waits at `commit`; then the recording code is loaded
 * from the plain tsc output by a path esbuild cannot follow: bundled, it would put the store (zod,
 * the lock) into every read-only command, which would pay for it on each run.
 */
export async function reconcileBeforeReading(repo: Repo, state: State, config: WfConfig): Promise<boolean> {
  if (!Object.values(state.tasks).some((t) => t.status === 'active' && t.step === 'commit')) return false;
  const entry = pathToFileURL(join(packageRoot(), 'dist', 'commit', 'index.js')).href;
  const { reconcileLandedCommits } = (await import(entry)) as { reconcileLandedCommits: typeof Reconcile };
  return (await reconcileLandedCommits(repo, state, config)).length > 0;
}
