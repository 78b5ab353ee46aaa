import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { openRepo, commitParents, resolveCommit } from '../git/index.js';
import { readConfig, effectiveConfig } from '../config/index.js';
import { computeCommitFingerprint, computeStagedFingerprint } from '../fingerprint/index.js';

export default class Hash extends WfCommand {
  static override summary = 'Print the SHA-256 fingerprint of the staged change (or of a commit).';
  static override description =
    'The fingerprint is what a review approves and what the Review-Hash trailer carries. It is defined in docs/fingerprint.md so anyone can recompute it: locally from the index, in CI from a commit.';
  static override examples = ['<%= config.bin %> hash', '<%= config.bin %> hash --commit HEAD', '<%= config.bin %> hash --json'];
  static override flags = {
    commit: Flags.string({ description: 'Fingerprint this commit against its first parent instead of the staged change.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Hash);
    // The dependency-free config reader (held to the zod schema by tests): `wf hash` is benchmarked against plain git.
    const repo = await openRepo();
    let at: string | null | undefined;
    if (flags.commit) {
      at = (await commitParents(repo, await resolveCommit(repo, flags.commit)))[0] ?? null;
    }
    // A commit is fingerprinted with the excludes in force when it was made: its parent's config, as the hooks used.
    const config = await effectiveConfig(repo, readConfig(repo.root), undefined, at);
    const excludes = config.fingerprint.exclude;
    const result = flags.commit
      ? await computeCommitFingerprint(repo, flags.commit, excludes)
      : { commit: null, ...(await computeStagedFingerprint(repo, excludes)) };
    this.report(
      flags.json,
      {
        fingerprint: result.fingerprint,
        source: flags.commit ? 'commit' : 'index',
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
      () => result.fingerprint,
    );
  }
}
