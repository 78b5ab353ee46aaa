import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findLandedCommits, type recordLandedCommits as Record } from '../commit/index.js';
import type { WfConfig } from '../config/index.js';
import type { Repo } from '../git/index.js';
import { packageRoot } from '../installation/index.js';
import type { State } from '../state/index.js';

/**
 * Records a reviewed change that was committed with plain `git commit` (commit/reconcile.ts) before a
 * command reads its task. Looking is cheap and bundled (no git process unless a task waits at
 * `commit`, then one `git log`). Only when there is something to record is the recording code
 * loaded, from the plain tsc output by a path esbuild cannot follow: bundled, it would put the store
 * (zod, the lock) into every read-only command, which would pay for it on each run.
 */
export async function reconcileBeforeReading(repo: Repo, state: State, config: WfConfig): Promise<boolean> {
  const found = await findLandedCommits(repo, state, config);
  if (found.length === 0) return false;
  const entry = pathToFileURL(join(packageRoot(), 'dist', 'commit', 'index.js')).href;
  const { recordLandedCommits } = (await import(entry)) as { recordLandedCommits: typeof Record };
  return (await recordLandedCommits(repo, found, config)).length > 0;
}
