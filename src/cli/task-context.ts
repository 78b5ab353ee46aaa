import type { WfConfig } from '../core/config.js';
import { loadConfig } from '../core/config-load.js';
import type { State } from '../core/state.js';
import { readState } from '../core/store.js';
import { resolveTask, type TaskResolution } from '../core/task-resolution.js';
import { currentBranch, openRepo, type Repo } from '../git/repo.js';

export interface TaskContext {
  repo: Repo;
  config: WfConfig;
  state: State;
  resolution: TaskResolution;
}

export interface RepoContext {
  repo: Repo;
  config: WfConfig;
  state: State;
}

export async function openRepoContext(): Promise<RepoContext> {
  const repo = await openRepo();
  return { repo, config: loadConfig(repo.root), state: readState(repo.root) };
}

/** The repo, config, validated state and the task the flags, environment or branch pick. */
export async function openTaskContext(taskId: string | undefined): Promise<TaskContext> {
  const ctx = await openRepoContext();
  const resolution = resolveTask(ctx.state, { explicit: taskId, env: process.env.WF_TASK_ID, branch: currentBranch(ctx.repo) });
  return { ...ctx, resolution };
}
