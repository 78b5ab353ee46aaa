import { type WfConfig, readConfig, effectiveConfig } from '../config/index.js';
import { openRepo, type Repo } from '../git/index.js';

export interface Workspace {
  repo: Repo;
  config: WfConfig;
}

/** The repository around the current folder and its validated config, with HEAD's config as the floor (committed-floor.ts). */
export async function openWorkspace(cwd: string = process.cwd()): Promise<Workspace> {
  const repo = await openRepo(cwd);
  return { repo, config: await effectiveConfig(repo, readConfig(repo.root)) };
}
