import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGit, type Repo } from '../git/index.js';

/**
 * A merge whose result is exactly git's conflict-free automatic merge adds
 * no unreviewed code: CI verify accepts it without a trailer, and so do the
 * hooks. Anything else (conflict resolutions, extra edits) is gated like any
 * change. A merge that keeps the first parent's tree (`git merge -s ours`) adds no code either.
 */
export async function isCleanMergeInProgress(repo: Repo): Promise<boolean> {
  const mergeHeadFile = join(repo.gitDir, 'MERGE_HEAD');
  if (!existsSync(mergeHeadFile)) return false;
  const heads = readFileSync(mergeHeadFile, 'utf8').split('\n').filter(Boolean);
  if (heads.length !== 1) return false;
  const opts = { cwd: repo.root, env: repo.env };
  // A real merge brings in a commit HEAD does not have: a MERGE_HEAD written by hand, naming HEAD or one of its
  // ancestors, merges nothing and must not switch the gates off.
  const ancestor = await runGit(['merge-base', '--is-ancestor', heads[0]!, 'HEAD'], { ...opts, okExitCodes: [1, 128] });
  if (ancestor.exitCode !== 1) return false;
  const index = (await runGit(['write-tree'], opts)).stdout.toString('utf8').trim();
  // `git merge -s ours`: the result keeps the first parent's tree, so no code changes at all.
  const headTree = (await runGit(['rev-parse', 'HEAD^{tree}'], { ...opts, okExitCodes: [128] })).stdout.toString('utf8').trim();
  if (index === headTree) return true;
  // 1: conflicts; 128: no merge base (unrelated histories) and the like. Either way not git's clean merge, so gated.
  const merged = await runGit(['merge-tree', '--write-tree', 'HEAD', heads[0]!], { ...opts, okExitCodes: [1, 128] });
  if (merged.exitCode !== 0) return false;
  return merged.stdout.toString('utf8').split('\n')[0]!.trim() === index;
}
