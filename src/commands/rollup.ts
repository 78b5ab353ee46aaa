import { WfCommand } from '../cli/base-command.js';
import { renderRollup, runRollup } from '../cli/rollup-run.js';
import { taskIdFlag } from '../cli/task-flags.js';

export default class Rollup extends WfCommand {
  static override summary = 'Recompute progress for the whole task tree (or one subtree) under the state lock.';
  static override description =
    'A leaf\'s progress follows its step; a parent\'s is the (weighted) mean of its children. The state is re-read inside the lock, so rollups and step changes from parallel processes never lose an update. Commands that change a step already roll up their ancestors.';
  static override flags = { 'task-id': taskIdFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Rollup);
    const value = await runRollup(flags['task-id']);
    this.report(flags.json, value, () => renderRollup(value, flags['task-id']));
  }
}
