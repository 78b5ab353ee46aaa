import type { WfConfig } from '../core/config.js';
import { loadConfig } from '../core/config-load.js';
import { effectiveConfig } from '../core/committed-floor.js';
import { openRepo, type Repo } from '../git/repo.js';

export interface Workspace {
  repo: Repo;
  config: WfConfig;
}

/** The repository around the current folder and its validated config, with HEAD's config as the floor (committed-floor.ts). */
export async function openWorkspace(cwd: string = process.cwd()): Promise<Workspace> {
  const repo = await openRepo(cwd);
  return { repo, config: await effectiveConfig(repo, loadConfig(repo.root)) };
}
