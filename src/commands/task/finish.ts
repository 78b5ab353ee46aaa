import { WfCommand } from '../../cli/base-command.js';
import { taskIdFlag } from '../../cli/task-flags.js';

export default class TaskFinish extends WfCommand {
  static override summary = 'Finish a task after its last reviewed commit.';
  static override description = 'Refused while the task is mid-cycle (it must be back at implement after a commit) or while a subtask is unfinished.';
  static override flags = { 'task-id': taskIdFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(TaskFinish);
    const { openTaskContext } = await import('../../cli/task-context.js');
    const { mutateStore } = await import('../../state/index.js');
    const { finishTask, getTask } = await import('../../tasks/index.js');
    const { repo, config, resolution } = await openTaskContext(flags['task-id']);
    const { value: task } = await mutateStore(repo.root, (tx) => {
      const task = getTask(tx.state, resolution.task.id);
      finishTask(tx, task, config);
      return task;
    });
    this.report(flags.json, task, () => `finished task ${task.id} (${task.commits.length} commit(s))`);
  }
}
