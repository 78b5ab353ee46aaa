import { WfCommand } from '../../cli/base-command.js';
import { taskIdFlag } from '../../cli/task-flags.js';
import { openTaskContext } from '../../cli/task-context.js';
import { mutateStore } from '../../state/index.js';
import { finishTask, getTask } from '../../tasks/index.js';
import { plural } from '../../text/index.js';

export default class TaskFinish extends WfCommand {
  static override summary = 'Finish a task after its last reviewed commit.';
  static override description = 'Refused while the task is mid-cycle (it must be back at implement after a commit) or while a subtask is unfinished.';
  static override flags = { 'task-id': taskIdFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(TaskFinish);
    const { repo, config, resolution } = await openTaskContext(flags['task-id']);
    const { value: task } = await mutateStore(repo.root, (tx) => {
      const task = getTask(tx.state, resolution.task.id);
      finishTask(tx, task, config);
      return task;
    });
    this.report(flags.json, task, () => `finished task ${task.id} (${plural(task.commits.length, 'commit')})`);
  }
}
