import { Args, Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { assertTaskId, mutateStore } from '../../state/index.js';
import { openWorkspace } from '../../cli/workspace.js';
import { startTask } from '../../tasks/index.js';

export default class TaskStart extends WfCommand {
  static override summary = 'Start a task at the plan step.';
  static override examples = ['<%= config.bin %> task start PROJ-12 --title "Rate-limit the login endpoint"', '<%= config.bin %> task start PROJ-13 --complex'];
  static override args = { id: Args.string({ description: 'Task id: 1-64 of A-Z a-z 0-9 . _ -', required: true }) };
  static override flags = {
    title: Flags.string({ description: 'What the task is about.' }),
    complex: Flags.boolean({ description: 'Mark the task complex: it then needs at least one todo before a commit.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TaskStart);
    assertTaskId(args.id);
    const { repo, config } = await openWorkspace();
    const { value: task } = await mutateStore(repo.root, (tx) => startTask(tx, { id: args.id, title: flags.title, complex: flags.complex }, config));
    this.report(flags.json, task, () => `started task ${task.id} at step plan\n  next: wf plan --task-id ${task.id}`);
  }
}
