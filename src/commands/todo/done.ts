import { Args } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { taskIdFlag } from '../../cli/task-flags.js';
import { changeTask } from '../../cli/change-task.js';
import { completeTodo } from '../../tasks/index.js';

export default class TodoDone extends WfCommand {
  static override summary = 'Mark todo number N done.';
  static override args = { n: Args.integer({ description: 'The todo number from wf todo list.', required: true, min: 1 }) };
  static override flags = { 'task-id': taskIdFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TodoDone);
    const { task } = await changeTask(flags['task-id'], (tx, task) => completeTodo(tx, task, args.n));
    this.report(flags.json, { taskId: task.id, todos: task.todos }, () => `todo ${args.n} of task ${task.id} is done`);
  }
}
