import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { taskIdFlag } from '../cli/task-flags.js';
import { renderGateChecklist } from '../gates/index.js';
import { makeStyle } from '../cli/style.js';
import { checkStatus, statusReport } from '../cli/status-report.js';

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
    const { task, rule, config, gates, wouldCommit, next, action } = report;
    this.report(flags.json, report.data, () => {
      const s = makeStyle();
      const mark = (status: string) => (status === 'pass' ? s.green('✓') : status === 'fail' ? s.red('✗') : status === 'warn' ? s.yellow('!') : s.dim('-'));
      return [
        `${s.bold(`task ${task.id}`)}: ${task.title}   (picked by ${rule})`,
        `step: ${s.cyan(task.step)}   status: ${task.status}   progress: ${Math.round(task.progress * 100)}%   mode: ${config.mode}`,
        `staged fingerprint: ${report.fingerprint}`,
        'gates:',
        renderGateChecklist(gates, mark),
        wouldCommit ? s.green('a commit would be allowed: wf commit -m "<message>"') : `a commit would be refused`,
        next ? `next: ${next}${action.command ? `   (${action.reason})` : ''}` : '',
      ]
        .filter(Boolean)
        .join('\n');
    });
    if (flags.check) checkStatus(report);
  }
}
