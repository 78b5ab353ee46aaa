import { WfCommand } from '../../cli/base-command.js';

export default class SubtaskList extends WfCommand {
  static override summary = 'Show the task tree with each node\'s step, status and progress (same as wf task tree).';

  async run(): Promise<void> {
    const { flags } = await this.parse(SubtaskList);
    const { printTaskTree } = await import('../../cli/print-tree.js');
    await printTaskTree(flags.json, undefined, (json, data, human) => this.report(json, data, human));
  }
}
