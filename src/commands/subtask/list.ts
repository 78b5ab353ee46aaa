import { WfCommand } from '../../cli/base-command.js';
import { printTaskTree } from '../../cli/print-tree.js';

export default class SubtaskList extends WfCommand {
  static override summary = 'Show the task tree with each node\'s step, status and progress (same as wf task tree).';

  async run(): Promise<void> {
    const { flags } = await this.parse(SubtaskList);
    await printTaskTree(flags.json, undefined, (json, data, human) => this.report(json, data, human));
  }
}
