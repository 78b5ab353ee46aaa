import { GitCommandError, runGit } from './process.js';
import { parseRawDiff, type RawChange, type Repo } from './repo.js';

/**
 * Reading a range of history in a constant number of git processes (one
 * `git log`, one `git diff-tree --stdin`), so verifying hundreds of commits
 * costs about as much as verifying one.
 */
export interface CommitInfo {
  sha: string;
  parents: string[];
  tree: string;
  subject: string;
  /** Values of the Review-Hash trailers, as git parses trailers. */
  reviewHashes: string[];
  /** Values of the Review-Id trailers. */
  reviewIds: string[];
}

const FIELDS = 6;
const HEX = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Commits reachable from head and not from base, oldest first. Fields are
 * separated by NUL, which no subject or trailer value can hold, and the
 * values of one trailer key by newline, which an unfolded value cannot
 * hold; so a subject with control characters cannot supply trailer values
 * git itself does not see. A record that still does not parse (a commit
 * object crafted with a NUL) stops verification instead of being misread.
 */
export async function listRangeCommits(repo: Repo, base: string, head: string): Promise<CommitInfo[]> {
  const trailer = (key: string) => `%(trailers:key=${key},valueonly,unfold,separator=%x0a)`;
  const format = ['%H', '%P', '%T', '%s', trailer('Review-Hash'), trailer('Review-Id')].map((f) => `${f}%x00`).join('');
  const out = await runGit(['log', '--reverse', '--topo-order', `--format=${format}`, `${base}..${head}`, '--'], { cwd: repo.root, env: repo.env });
  const fields = out.stdout.toString('utf8').split('\0');
  fields.pop();
  if (fields.length % FIELDS !== 0) throw new GitCommandError(['log', `${base}..${head}`], 0, 'history with a commit whose message holds a NUL byte: wf cannot read it the way git does');
  const commits: CommitInfo[] = [];
  const values = (field: string) => field.split('\n').map((v) => v.trim()).filter(Boolean);
  for (let i = 0; i < fields.length; i += FIELDS) {
    const [sha, parents, tree, subject, hashes, ids] = fields.slice(i, i + FIELDS).map((f, k) => (k === 0 ? f.replace(/^\n/, '') : f)) as [string, string, string, string, string, string];
    const parentList = parents ? parents.split(' ') : [];
    if (!HEX.test(sha) || !HEX.test(tree) || !parentList.every((p) => HEX.test(p))) {
      throw new GitCommandError(['log', `${base}..${head}`], 0, `unexpected record in git log output near ${JSON.stringify(sha.slice(0, 20))}`);
    }
    commits.push({ sha, parents: parentList, tree, subject, reviewHashes: values(hashes), reviewIds: values(ids) });
  }
  return commits;
}

/** Each commit's change against its first parent (the empty tree for a root commit), from one diff-tree process. */
export async function listChangesAgainstFirstParent(repo: Repo, commits: readonly CommitInfo[]): Promise<Map<string, RawChange[]>> {
  const result = new Map<string, RawChange[]>();
  if (commits.length === 0) return result;
  const input = commits.map((c) => (c.parents[0] ? `${c.sha} ${c.parents[0]}` : c.sha)).join('\n') + '\n';
  const out = (
    await runGit(['diff-tree', '--stdin', '--root', '--always', '-r', '--raw', '-z', '--no-renames', '--no-abbrev', '--ignore-submodules=none', '--no-ext-diff'], {
      cwd: repo.root,
      env: repo.env,
      input,
    })
  ).stdout;
  // The output is: <commit>\0 followed by that commit's raw records, for each commit in turn.
  let pos = 0;
  let current: string | null = null;
  let start = 0;
  const flush = (end: number) => {
    if (current !== null) result.set(current, parseRawDiff(out.subarray(start, end)));
  };
  while (pos < out.length) {
    if (out[pos] === 0x3a) {
      const headerEnd = out.indexOf(0, pos);
      pos = out.indexOf(0, headerEnd + 1) + 1;
      continue;
    }
    const end = out.indexOf(0, pos);
    const token = out.subarray(pos, end < 0 ? out.length : end).toString('latin1').trim();
    flush(pos);
    current = token;
    pos = end < 0 ? out.length : end + 1;
    start = pos;
  }
  flush(out.length);
  return result;
}

/** The tree git's conflict-free automatic merge of two commits would produce, or null when it conflicts. */
export async function automaticMergeTree(repo: Repo, first: string, second: string): Promise<string | null> {
  // 1: conflicts. 128 with "unrelated histories": no merge base, so no automatic merge to compare with; the merge is gated.
  const r = await runGit(['merge-tree', '--write-tree', '--no-messages', first, second], { cwd: repo.root, env: repo.env, okExitCodes: [1, 128] });
  if (r.exitCode === 128 && !/unrelated histories/i.test(r.stderr)) throw new GitCommandError(['merge-tree', '--write-tree', first, second], 128, r.stderr);
  return r.exitCode === 0 ? r.stdout.toString('utf8').split('\n')[0]!.trim() : null;
}

export async function isShallowRepository(repo: Repo): Promise<boolean> {
  try {
    return (await runGit(['rev-parse', '--is-shallow-repository'], { cwd: repo.root, env: repo.env })).stdout.toString('utf8').trim() === 'true';
  } catch (err) {
    if (err instanceof GitCommandError) return false;
    throw err;
  }
}

export interface FixCommitInfo {
  sha: string;
  committedAt: string;
  committerEmail: string;
  /** Values of the commit's Fix-Of trailers, read as git reads trailers. */
  fixOf: string[];
}

/** The commits of `base..head` (or just `head` with `base` null), newest first, with their Fix-Of trailers. */
export async function listFixCommits(repo: Repo, base: string | null, head: string, limit = 1000): Promise<FixCommitInfo[]> {
  const format = ['%H', '%cI', '%ce', '%(trailers:key=Fix-Of,valueonly,unfold,separator=%x0a)'].map((f) => `${f}%x00`).join('');
  const range = base === null ? [head, '-1'] : [`${base}..${head}`];
  const out = await runGit(['log', `--max-count=${limit}`, `--format=${format}`, ...range, '--'], { cwd: repo.root, env: repo.env });
  const fields = out.stdout.toString('utf8').split('\0');
  fields.pop();
  const commits: FixCommitInfo[] = [];
  for (let i = 0; i + 4 <= fields.length; i += 4) {
    const [sha, at, email, trailers] = fields.slice(i, i + 4) as [string, string, string, string];
    commits.push({ sha: sha.replace(/^\n/, ''), committedAt: at, committerEmail: email, fixOf: trailers.split('\n').map((v) => v.trim()).filter(Boolean) });
  }
  return commits;
}
