import { blobsToHash, filterChanges, fingerprintFromChanges, type Fingerprint } from './compute.js';
import { CatFileBatch, commitParents, listCommitChanges, listStagedChanges, resolveCommit, type RawChange, type Repo } from '../git/index.js';

/** Digests every blob through one cat-file process, all requests in flight at once. */
export async function hashBlobs(batch: CatFileBatch, oids: readonly string[]): Promise<Map<string, string>> {
  const digests = await Promise.all(oids.map((oid) => batch.sha256(oid)));
  const map = new Map<string, string>();
  oids.forEach((oid, i) => {
    const digest = digests[i];
    if (!digest) throw new Error(`git object ${oid} is missing from the repository`);
    map.set(oid, digest);
  });
  return map;
}

export async function fingerprintOfChanges(repo: Repo, changes: RawChange[], excludes: readonly string[], batch?: CatFileBatch): Promise<Fingerprint> {
  const kept = filterChanges(changes, excludes);
  const oids = blobsToHash(kept);
  if (oids.length === 0) return fingerprintFromChanges(kept, new Map());
  const own = batch ?? new CatFileBatch(repo.root, repo.env);
  try {
    return fingerprintFromChanges(kept, await hashBlobs(own, oids));
  } finally {
    if (!batch) await own.close();
  }
}

/** The fingerprint of what `git commit` would commit now (honours GIT_INDEX_FILE); the excludes may still be on their way. */
export async function computeStagedFingerprint(
  repo: Repo,
  excludes: readonly string[] | Promise<readonly string[]>,
  head?: string | null,
  batch?: CatFileBatch,
): Promise<Fingerprint> {
  const [changes, globs] = await Promise.all([listStagedChanges(repo, head), excludes]);
  return fingerprintOfChanges(repo, changes, globs, batch);
}

/** The fingerprint of a commit against its first parent. */
export async function computeCommitFingerprint(repo: Repo, rev: string, excludes: readonly string[], batch?: CatFileBatch): Promise<Fingerprint & { commit: string }> {
  const commit = await resolveCommit(repo, rev);
  const parents = await commitParents(repo, commit);
  const changes = await listCommitChanges(repo, commit, parents[0] ?? null);
  return { commit, ...(await fingerprintOfChanges(repo, changes, excludes, batch)) };
}
