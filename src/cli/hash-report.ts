import { openRepo, commitParents, resolveCommit } from '../git/index.js';
import { readConfig, effectiveConfig } from '../config/index.js';
import { computeCommitFingerprint, computeStagedFingerprint } from '../fingerprint/index.js';

/** What `wf hash` prints, shared by the oclif command and the fast path. */
export async function hashReport(commit: string | undefined): Promise<{ fingerprint: string; data: unknown }> {
  // The dependency-free config reader (held to the zod schema by tests): `wf hash` is benchmarked against plain git.
  const repo = await openRepo();
  let at: string | null | undefined;
  if (commit) {
    at = (await commitParents(repo, await resolveCommit(repo, commit)))[0] ?? null;
  }
  // A commit is fingerprinted with the excludes in force when it was made: its parent's config, as the hooks used.
  // The index is diffed against the HEAD seen at open, as the hooks do: asking git again costs a process.
  const config = await effectiveConfig(repo, readConfig(repo.root), undefined, at);
  const excludes = config.fingerprint.exclude;
  const result = commit ? await computeCommitFingerprint(repo, commit, excludes) : { commit: null, ...(await computeStagedFingerprint(repo, excludes, repo.headAtOpen)) };
  return {
    fingerprint: result.fingerprint,
    data: {
      fingerprint: result.fingerprint,
      source: commit ? 'commit' : 'index',
      commit: result.commit,
      records: result.records.map((r) => ({
        oldMode: r.oldMode,
        newMode: r.newMode,
        oldDigest: r.oldDigest,
        newDigest: r.newDigest,
        path: r.pathText,
        pathBase64: r.path.toString('base64'),
      })),
    },
  };
}
