import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentError, usageError } from '../core/errors.js';
import { GitCommandError, gitEnv, gitText, runGit } from './git.js';

export interface Repo {
  /** The work tree's top folder. */
  root: string;
  gitDir: string;
  objectFormat: 'sha1' | 'sha256';
  env: NodeJS.ProcessEnv;
}

const EMPTY_TREE: Record<Repo['objectFormat'], string> = {
  sha1: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  sha256: '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
};

export function emptyTreeId(repo: Repo): string {
  return EMPTY_TREE[repo.objectFormat];
}

/** Finds the work tree around `cwd`, or exits 3 saying how to get into one. */
export async function openRepo(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = gitEnv()): Promise<Repo> {
  let out: string;
  try {
    out = await gitText(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--show-object-format'], { cwd, env });
  } catch (err) {
    if (err instanceof GitCommandError) {
      throw environmentError(`not inside a git work tree: ${cwd}`, {
        where: cwd,
        hint: 'cd into your repository (or run git init there), then run the command again',
      });
    }
    throw err;
  }
  const [root, gitDir, format] = out.split('\n');
  if (!root || !gitDir) throw environmentError(`not inside a git work tree: ${cwd}`, { hint: 'cd into the work tree of a non-bare repository' });
  return { root, gitDir, objectFormat: format === 'sha256' ? 'sha256' : 'sha1', env };
}

/** HEAD's commit id, or null before the first commit. */
export async function headCommit(repo: Repo): Promise<string | null> {
  const result = await runGit(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd: repo.root, env: repo.env, okExitCodes: [1] });
  return result.exitCode === 0 ? result.stdout.toString('utf8').trim() : null;
}

/** A revision resolved to a commit id, or exit 2 naming it. */
export async function resolveCommit(repo: Repo, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw usageError(`not a revision: ${rev}`, { hint: 'name a commit, for example HEAD or a sha' });
  const result = await runGit(['rev-parse', '-q', '--verify', '--end-of-options', `${rev}^{commit}`], {
    cwd: repo.root,
    env: repo.env,
    okExitCodes: [1, 128],
  });
  if (result.exitCode !== 0) {
    throw usageError(`unknown revision ${JSON.stringify(rev)}: no such commit in this repository`, {
      hint: 'check the name with: git log --oneline -5',
    });
  }
  return result.stdout.toString('utf8').trim();
}

/** Parents of a commit (empty for a root commit). */
export async function commitParents(repo: Repo, commit: string): Promise<string[]> {
  const line = await gitText(['rev-list', '--parents', '-n', '1', commit], { cwd: repo.root, env: repo.env });
  return line.split(' ').slice(1).filter(Boolean);
}

/** One path whose entry differs between two trees (git's raw diff format). */
export interface RawChange {
  oldMode: string;
  newMode: string;
  oldOid: string;
  newOid: string;
  status: string;
  /** The path's raw bytes: git paths need not be UTF-8. */
  path: Buffer;
}

/** Parses `git diff-* -r --raw -z` output. */
export function parseRawDiff(out: Buffer): RawChange[] {
  const changes: RawChange[] = [];
  let pos = 0;
  while (pos < out.length) {
    const headerEnd = out.indexOf(0, pos);
    if (headerEnd < 0) break;
    const header = out.subarray(pos, headerEnd).toString('latin1');
    const pathEnd = out.indexOf(0, headerEnd + 1);
    if (pathEnd < 0 || !header.startsWith(':')) throw new Error(`unexpected raw diff output near byte ${pos}`);
    const [oldMode, newMode, oldOid, newOid, status] = header.slice(1).split(' ');
    changes.push({
      oldMode: oldMode!,
      newMode: newMode!,
      oldOid: oldOid!,
      newOid: newOid!,
      status: status!,
      path: Buffer.from(out.subarray(headerEnd + 1, pathEnd)),
    });
    pos = pathEnd + 1;
  }
  return changes;
}

const RAW_DIFF_FLAGS = ['-r', '--raw', '-z', '--no-renames', '--no-abbrev', '--ignore-submodules=none', '--no-ext-diff'];

/** The staged change: HEAD's tree (the empty tree before the first commit) against the index git is committing. */
export async function listStagedChanges(repo: Repo, head?: string | null): Promise<RawChange[]> {
  const base = head === undefined ? await headCommit(repo) : head;
  const result = await runGit(['diff-index', '--cached', ...RAW_DIFF_FLAGS, base ?? emptyTreeId(repo), '--'], { cwd: repo.root, env: repo.env });
  const changes = parseRawDiff(result.stdout);
  const unmerged = changes.filter((c) => c.status === 'U');
  if (unmerged.length > 0) {
    throw usageError(`the index has unmerged paths (${unmerged.map((c) => c.path.toString('utf8')).slice(0, 5).join(', ')})`, {
      hint: 'resolve the conflicts and git add the files, then run the command again',
    });
  }
  return changes;
}

/** A commit's change: its first parent's tree (the empty tree for a root commit) against its tree. */
export async function listCommitChanges(repo: Repo, commit: string, firstParent: string | null): Promise<RawChange[]> {
  const result = await runGit(['diff-tree', ...RAW_DIFF_FLAGS, firstParent ?? emptyTreeId(repo), commit, '--'], { cwd: repo.root, env: repo.env });
  return parseRawDiff(result.stdout);
}

/** The current branch, read from HEAD directly (a file read instead of a git process); null when detached. */
export function currentBranch(repo: Repo): string | null {
  try {
    const head = readFileSync(join(repo.gitDir, 'HEAD'), 'utf8').trim();
    return head.startsWith('ref: refs/heads/') ? head.slice('ref: refs/heads/'.length) : null;
  } catch {
    return null;
  }
}
