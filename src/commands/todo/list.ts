import { WfCommand } from '../../cli/base-command.js';
import { taskIdFlag } from '../../cli/task-flags.js';
import { openTaskContext } from '../../cli/task-context.js';

export default class TodoList extends WfCommand {
  static override summary = "List the task's todos.";
  static override flags = { 'task-id': taskIdFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(TodoList);
    const { task } = (await openTaskContext(flags['task-id'])).resolution;
    this.report(flags.json, { taskId: task.id, todos: task.todos }, () =>
      task.todos.length === 0 ? `task ${task.id} has no todos: wf todo add "<next concrete step>"` : task.todos.map((t, i) => `${i + 1}. [${t.done ? 'x' : ' '}] ${t.text}`).join('\n'),
    );
  }
}
