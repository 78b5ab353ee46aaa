import { Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { openRepoContext } from '../../cli/task-context.js';

export default class TaskList extends WfCommand {
  static override summary = 'List the tasks with their step, status and progress.';
  static override flags = { all: Flags.boolean({ description: 'Include finished tasks.', default: false }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(TaskList);
    const { state } = await openRepoContext();
    const tasks = Object.values(state.tasks).filter((t) => flags.all || t.status === 'active');
    this.report(
      flags.json,
      tasks.map(({ id, title, step, status, progress, parentId, childIds }) => ({ id, title, step, status, progress, parentId, childIds })),
      () =>
        tasks.length === 0
          ? 'no tasks yet: wf task start <id> --title "<what you are doing>"'
          : tasks.map((t) => `${t.id.padEnd(20)} ${t.step.padEnd(12)} ${t.status.padEnd(9)} ${String(Math.round(t.progress * 100)).padStart(3)}%  ${t.title}`).join('\n'),
    );
  }
}
