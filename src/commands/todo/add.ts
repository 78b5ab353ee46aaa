import { Args } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { taskIdFlag } from '../../cli/task-flags.js';
import { changeTask } from '../../cli/change-task.js';
import { addTodo } from '../../tasks/index.js';

export default class TodoAdd extends WfCommand {
  static override summary = 'Add a todo to the task (a complex task needs at least one before it can commit).';
  static override args = { text: Args.string({ description: 'The todo.', required: true }) };
  static override flags = { 'task-id': taskIdFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TodoAdd);
    const { task, value: n } = await changeTask(flags['task-id'], (tx, task) => addTodo(tx, task, args.text));
    this.report(flags.json, { taskId: task.id, n, todos: task.todos }, () => `todo ${n} added to task ${task.id}`);
  }
}
