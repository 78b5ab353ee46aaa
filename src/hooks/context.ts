import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig, type WfConfig } from '../core/config.js';
import { refused } from '../core/errors.js';
import { readStateFile, type State } from '../core/state.js';
import { resolveTask, type TaskResolution } from '../core/task-resolution.js';
import { gitEnv, runGit } from '../git/git.js';
import { currentBranch, openRepo, type Repo } from '../git/repo.js';

/** What every git hook starts from: the repo and its config, read without zod or locks; the state is read when needed. */
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

/**
 * A merge whose result is exactly git's conflict-free automatic merge adds
 * no unreviewed code: CI verify accepts it without a trailer, and so do the
 * hooks. Anything else (conflict resolutions, extra edits) is gated like any
 * change.
 */
export async function isCleanMergeInProgress(repo: Repo): Promise<boolean> {
  const mergeHeadFile = join(repo.gitDir, 'MERGE_HEAD');
  if (!existsSync(mergeHeadFile)) return false;
  const heads = readFileSync(mergeHeadFile, 'utf8').split('\n').filter(Boolean);
  if (heads.length !== 1) return false;
  const opts = { cwd: repo.root, env: repo.env };
  // 1: conflicts; 128: no merge base (unrelated histories) and the like. Either way not git's clean merge, so gated.
  const merged = await runGit(['merge-tree', '--write-tree', 'HEAD', heads[0]!], { ...opts, okExitCodes: [1, 128] });
  if (merged.exitCode !== 0) return false;
  const [auto, index] = [merged.stdout.toString('utf8').split('\n')[0]!.trim(), (await runGit(['write-tree'], opts)).stdout.toString('utf8').trim()];
  return auto === index;
}
