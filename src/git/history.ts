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

const RS = '\x1e';
const US = '\x1f';
const GS = '\x1d';

/** Commits reachable from head and not from base, oldest first. */
export async function listRangeCommits(repo: Repo, base: string, head: string): Promise<CommitInfo[]> {
  const format = ['%H', '%P', '%T', '%s', `%(trailers:key=Review-Hash,valueonly,separator=%x1f)`, `%(trailers:key=Review-Id,valueonly,separator=%x1f)`].join('%x1e') + '%x1d';
  const out = await runGit(['log', '--reverse', '--topo-order', `--format=${format}`, `${base}..${head}`, '--'], { cwd: repo.root, env: repo.env });
  const commits: CommitInfo[] = [];
  for (const record of out.stdout.toString('utf8').split(GS)) {
    const trimmed = record.replace(/^\n/, '');
    if (!trimmed) continue;
    const [sha, parents, tree, subject, hashes, ids] = trimmed.split(RS);
    const values = (field: string | undefined) => (field ?? '').split(US).map((v) => v.trim()).filter(Boolean);
    commits.push({ sha: sha!, parents: parents ? parents.split(' ') : [], tree: tree!, subject: subject ?? '', reviewHashes: values(hashes), reviewIds: values(ids) });
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
  const r = await runGit(['merge-tree', '--write-tree', '--no-messages', first, second], { cwd: repo.root, env: repo.env, okExitCodes: [1] });
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
