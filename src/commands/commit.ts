import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { taskIdFlag } from '../cli/task-flags.js';
import { commitTask } from '../commit/index.js';

export default class Commit extends WfCommand {
  static override summary = 'Check every gate, then git commit with Review-Hash and Review-Id trailers.';
  static override description =
    'After the commit wf recomputes the new commit\'s fingerprint and checks it equals the reviewed one, and that the audit log holds the approving entries. The task then returns to implement for its next component (or: wf task finish).';
  static override examples = ['<%= config.bin %> commit -m "Rate-limit the login endpoint"'];
  static override flags = {
    'task-id': taskIdFlag,
    message: Flags.string({ char: 'm', description: 'The commit message.', required: true }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Commit);
    const result = await commitTask({ taskId: flags['task-id'], message: flags.message });
    this.report(flags.json, result, () =>
      [
        `committed ${result.commit.slice(0, 12)} for task ${result.taskId}`,
        `  Review-Hash: ${result.fingerprint}`,
        ...result.reviewIds.map((id) => `  Review-Id: ${id}`),
        `  verified: the commit's fingerprint equals the reviewed one; the audit log holds the approvals`,
        `  next: the next component (git add … && wf test), or: wf task finish --task-id ${result.taskId}`,
      ].join('\n'),
    );
  }
}
