import { Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { taskIdFlag } from '../../cli/task-flags.js';
import { changeTask } from '../../cli/change-task.js';
import { recordContext } from '../../tasks/index.js';

export default class ContextRecord extends WfCommand {
  static override summary = "Record how much of the agent's context window is used (the context gate reads the last record).";
  static override examples = ['<%= config.bin %> context record --used 120000 --limit 200000'];
  static override flags = {
    'task-id': taskIdFlag,
    used: Flags.integer({ description: 'Tokens used.', required: true, min: 0 }),
    limit: Flags.integer({ description: 'Context window size in tokens.', required: true, min: 1 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ContextRecord);
    const { task } = await changeTask(flags['task-id'], (tx, task) => recordContext(tx, task, flags.used, flags.limit));
    this.report(flags.json, { taskId: task.id, context: task.context }, () => `task ${task.id}: ${Math.round((flags.used / flags.limit) * 100)}% of the context window used`);
  }
}
