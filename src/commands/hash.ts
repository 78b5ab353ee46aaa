import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { hashReport } from '../cli/hash-report.js';

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
    const report = await hashReport(flags.commit);
    this.report(flags.json, report.data, () => report.fingerprint);
  }
}
