import { Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { printTaskTree } from '../../cli/print-tree.js';

export default class TaskTree extends WfCommand {
  static override summary = 'Show the task tree with each node\'s step, status and progress.';
  static override flags = { root: Flags.string({ description: 'Only this task and its subtasks.', helpValue: '<id>' }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(TaskTree);
    await printTaskTree(flags.json, flags.root, (json, data, human) => this.report(json, data, human));
  }
}
