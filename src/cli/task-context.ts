import { readConfig, type WfConfig, effectiveConfig } from '../config/index.js';
import { readStateFile, type State } from '../state/index.js';
import { reconcileBeforeReading } from './reconcile-on-read.js';
import { resolveTask, type TaskResolution } from '../tasks/index.js';
import { currentBranch, openRepo, type Repo } from '../git/index.js';

export interface RepoContext {
  repo: Repo;
  config: WfConfig;
  state: State;
}

export interface TaskContext extends RepoContext {
  resolution: TaskResolution;
}

/**
 * Read-only commands (status, tree, lists, hash) read with the dependency-free
 * readers that tests hold to the zod schemas: loading zod and validating
 * 10,000 tasks would double `wf status`. Every write validates the whole
 * state with zod inside the lock (store.ts), so nothing invalid is written.
 */
export async function openRepoContext(): Promise<RepoContext> {
  const repo = await openRepo();
  // The config (with HEAD's as the floor, committed-floor.ts) before the state: git is spawned before a large state fills the heap.
  const config = await effectiveConfig(repo, readConfig(repo.root));
  const state = readStateFile(repo.root);
  // A reviewed change committed with plain `git commit` advances its task here, before anything reads the task.
  if (await reconcileBeforeReading(repo, state, config)) return { repo, config, state: readStateFile(repo.root) };
  return { repo, config, state };
}

/** The repo, config, state and the task the flags, environment or branch pick. */
export async function openTaskContext(taskId: string | undefined): Promise<TaskContext> {
  const ctx = await openRepoContext();
  const resolution = resolveTask(ctx.state, { explicit: taskId, env: process.env.WF_TASK_ID, branch: currentBranch(ctx.repo) });
  return { ...ctx, resolution };
}
