import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentError, usageError } from '../errors/index.js';
import { discoverRepo } from './discover.js';
import { GitCommandError, gitEnv, gitText, runGit } from './process.js';

export interface Repo {
  /** The work tree's top folder. */
  root: string;
  gitDir: string;
  objectFormat: 'sha1' | 'sha256';
  env: NodeJS.ProcessEnv;
  /** HEAD's commit when the repo was opened (null before the first commit); headCommit() asks again. */
  headAtOpen: string | null;
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
  const found = discoverRepo(cwd, env);
  if (found) return { root: found.root, gitDir: found.gitDir, objectFormat: found.objectFormat, env, headAtOpen: found.head };
  // One git process answers all four; without a first commit --verify -q prints nothing for HEAD and exits 1.
  let out: string;
  try {
    const result = await runGit(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--show-object-format', '--verify', '-q', 'HEAD^{commit}'], {
      cwd,
      env,
      okExitCodes: [1],
    });
    out = result.stdout.toString('utf8');
  } catch (err) {
    if (err instanceof GitCommandError) {
      throw environmentError(`not inside a git work tree: ${cwd}`, {
        where: cwd,
        hint: 'cd into your repository (or run git init there), then run the command again',
      });
    }
    throw err;
  }
  const [root, gitDir, format, head] = out.split('\n');
  if (!root || !gitDir) throw environmentError(`not inside a git work tree: ${cwd}`, { hint: 'cd into the work tree of a non-bare repository' });
  return { root, gitDir, objectFormat: format === 'sha256' ? 'sha256' : 'sha1', env, headAtOpen: head && /^[0-9a-f]{40,64}$/.test(head) ? head : null };
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

export interface StagedListing {
  changes: RawChange[];
  /** Path (UTF-8) → lines added plus removed; binary files count 0. */
  lineCounts: Map<string, number>;
}

/**
 * `git add -N` entries are not committed, so they are not part of the staged
 * change: without this flag diff-index shows them as empty new files.
 */
const STAGED_FLAGS = ['--cached', '--ita-invisible-in-index'];

/** The staged change and its line counts from one git process (`--raw --numstat` together). */
export async function listStagedChangesWithStats(repo: Repo, head: string | null): Promise<StagedListing> {
  const result = await runGit(['diff-index', ...STAGED_FLAGS, ...RAW_DIFF_FLAGS, '--numstat', head ?? emptyTreeId(repo), '--'], { cwd: repo.root, env: repo.env });
  const out = result.stdout;
  // Raw records come first and start with ':'; numstat records follow.
  let split = 0;
  while (split < out.length && out[split] === 0x3a) {
    const headerEnd = out.indexOf(0, split);
    const pathEnd = out.indexOf(0, headerEnd + 1);
    split = pathEnd + 1;
  }
  const changes = parseRawDiff(out.subarray(0, split));
  assertMerged(changes);
  const lineCounts = new Map<string, number>();
  for (const record of out.subarray(split).toString('utf8').split('\0')) {
    const match = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(record);
    if (!match) continue;
    lineCounts.set(match[3]!, (match[1] === '-' ? 0 : Number(match[1])) + (match[2] === '-' ? 0 : Number(match[2])));
  }
  return { changes, lineCounts };
}

function assertMerged(changes: RawChange[]): void {
  const unmerged = changes.filter((c) => c.status === 'U');
  if (unmerged.length > 0) {
    throw usageError(`the index has unmerged paths (${unmerged.map((c) => c.path.toString('utf8')).slice(0, 5).join(', ')})`, {
      hint: 'resolve the conflicts and git add the files, then run the command again',
    });
  }
}

/** The staged change: HEAD's tree (the empty tree before the first commit) against the index git is committing. */
export async function listStagedChanges(repo: Repo, head?: string | null): Promise<RawChange[]> {
  const base = head === undefined ? await headCommit(repo) : head;
  const result = await runGit(['diff-index', ...STAGED_FLAGS, ...RAW_DIFF_FLAGS, base ?? emptyTreeId(repo), '--'], { cwd: repo.root, env: repo.env });
  const changes = parseRawDiff(result.stdout);
  assertMerged(changes);
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
