import { Args, Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { assertTaskId, mutateStore } from '../../state/index.js';
import { openRepoContext } from '../../cli/task-context.js';
import { resolveTask, createSubtask } from '../../tasks/index.js';
import { currentBranch } from '../../git/index.js';

export default class SubtaskCreate extends WfCommand {
  static override summary = 'Create a subtask with its own workflow state and its own folder .claude/subtasks/<id>/.';
  static override description =
    'The parent defaults to the current task (--task-id, WF_TASK_ID, the branch, or the single active task). Depth is unlimited; a duplicate id, a missing parent or a cycle is refused with exit 2 and nothing is written.';
  static override examples = ['<%= config.bin %> subtask create P1T13-F5a --parent P1T13-F5 --title "Parser"'];
  static override args = { id: Args.string({ description: 'The subtask id.', required: true }) };
  static override flags = {
    parent: Flags.string({ description: 'The parent task (default: the current task).', helpValue: '<id>' }),
    'task-id': Flags.string({ hidden: true }),
    title: Flags.string({ description: 'What the subtask is about.' }),
    complex: Flags.boolean({ description: 'Mark it complex (it then needs a todo before a commit).', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SubtaskCreate);
    assertTaskId(args.id);
    if (flags.parent !== undefined) assertTaskId(flags.parent, 'parent id');
    const { repo, config, state } = await openRepoContext();
    const parentId = flags.parent ?? resolveTask(state, { explicit: flags['task-id'], env: process.env.WF_TASK_ID, branch: currentBranch(repo) }).task.id;
    const { value: task } = await mutateStore(repo.root, (tx) => createSubtask(tx, repo.root, { id: args.id, parentId, title: flags.title, complex: flags.complex }, config));
    this.report(flags.json, task, () => `created subtask ${task.id} under ${parentId} at step plan (.claude/subtasks/${task.id}/)\n  next: wf plan --task-id ${task.id}`);
  }
}
