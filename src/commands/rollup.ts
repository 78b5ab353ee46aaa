import { WfCommand } from '../cli/base-command.js';
import { taskIdFlag } from '../cli/task-flags.js';
import { openRepo } from '../git/index.js';
import { readConfig, effectiveConfig } from '../config/index.js';
import { mutateStore, assertTaskId } from '../state/index.js';
import { rollup, getTask } from '../tasks/index.js';
import { plural } from '../text/index.js';

export default class Rollup extends WfCommand {
  static override summary = 'Recompute progress for the whole task tree (or one subtree) under the state lock.';
  static override description =
    'A leaf\'s progress follows its step; a parent\'s is the (weighted) mean of its children. The state is re-read inside the lock, so rollups and step changes from parallel processes never lose an update. Commands that change a step already roll up their ancestors.';
  static override flags = { 'task-id': taskIdFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Rollup);
    if (flags['task-id'] !== undefined) assertTaskId(flags['task-id']);
    const repo = await openRepo();
    // The steps in force decide each leaf's share of progress, as for every command that moves a step.
    const config = await effectiveConfig(repo, readConfig(repo.root));
    const { value } = await mutateStore(repo.root, (tx) => {
      if (flags['task-id'] !== undefined) getTask(tx.state, flags['task-id']);
      const changed = rollup(tx.state, config.steps, flags['task-id']);
      const root = flags['task-id'] ? tx.state.tasks[flags['task-id']]! : null;
      return { changed, tasks: Object.keys(tx.state.tasks).length, progress: root ? root.progress : null };
    });
    this.report(flags.json, value, () => `rolled up ${plural(value.tasks, 'task')}; ${plural(value.changed, 'progress value')} changed${value.progress !== null ? `; ${flags['task-id']} is at ${Math.round(value.progress * 100)}%` : ''}`);
  }
}
