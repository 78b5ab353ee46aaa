import { readConfig, type WfConfig } from '../config/index.js';
import { refused } from '../errors/index.js';
import { readStateFile, type State } from '../state/index.js';
import { resolveTask, type TaskResolution } from './resolution.js';
import { currentBranch, gitEnv, openRepo, type Repo } from '../git/index.js';

/** What every git hook and agent guard starts from: the repo and its config, read without zod or locks; the state is read when needed. */
export interface HookContext {
  repo: Repo;
  config: WfConfig;
  state: () => State;
}

export async function loadHookContext(cwd: string = process.cwd()): Promise<HookContext> {
  const repo = await openRepo(cwd, gitEnv());
  let state: State | undefined;
  return { repo, config: readConfig(repo.root), state: () => (state ??= readStateFile(repo.root)) };
}

export function resolveHookTask(ctx: HookContext): TaskResolution {
  const state = ctx.state();
  if (Object.keys(state.tasks).length === 0) {
    throw refused('no wf task exists in this repository, so nothing planned and reviewed can be committed', {
      hint: 'wf task start <id> --title "<what you are doing>"',
    });
  }
  const resolution = resolveTask(state, { env: process.env.WF_TASK_ID, branch: currentBranch(ctx.repo) });
  if (resolution.task.status === 'finished') {
    throw refused(`task ${resolution.task.id} is finished`, { hint: 'wf task start <id>   for new work' });
  }
  return resolution;
}
