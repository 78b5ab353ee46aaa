import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { taskIdFlag } from '../cli/task-flags.js';
import { makeStyle } from '../cli/style.js';
import { checkStatus, renderStatus, statusReport } from '../cli/status-report.js';

export default class Status extends WfCommand {
  static override summary = 'Show the task, its step, and a checklist of every gate with the command that satisfies each missing one.';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --task-id PROJ-12 --json'];
  static override flags = {
    'task-id': taskIdFlag,
    check: Flags.boolean({ description: 'Exit 1 when a commit would be refused now (for scripts and agents).', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Status);
    const report = await statusReport(flags['task-id']);
    this.report(flags.json, report.data, () => renderStatus(report, makeStyle()));
    if (flags.check) checkStatus(report);
  }
}
