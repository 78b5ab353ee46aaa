import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { taskIdFlag } from '../cli/task-flags.js';
import { openTaskContext } from '../cli/task-context.js';
import { preparePlan, reviewCommand } from '../gates/index.js';
import { mutateStore } from '../state/index.js';
import { getTask, registerPlan } from '../tasks/index.js';

export default class Plan extends WfCommand {
  static override summary = "Register the task's plan (creating .claude/subtasks/<id>/plan.md from the template first).";
  static override description =
    'The first run creates the plan file from the template and prints its path. Once it holds a real plan (not the template, not near-empty), running it again registers the plan and moves the task to plan-review.';
  static override examples = ['<%= config.bin %> plan', '<%= config.bin %> plan --file docs/plans/PROJ-12.md'];
  static override flags = {
    'task-id': taskIdFlag,
    file: Flags.string({ description: 'Use this file (inside the repository) as the plan.', helpValue: '<path>' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Plan);
    const { repo, config, resolution } = await openTaskContext(flags['task-id']);
    const prepared = preparePlan(repo.root, resolution.task.id, flags.file, config.plan.minWords);
    if (prepared.kind === 'created') {
      this.report(flags.json, { registered: false, created: true, path: prepared.path }, () =>
        `created ${prepared.path} from the template\n  next: write the plan there, then run: wf plan --task-id ${resolution.task.id}`,
      );
      return;
    }
    const { value: { task, changed } } = await mutateStore(repo.root, (tx) => {
      const task = getTask(tx.state, resolution.task.id);
      return { task, changed: registerPlan(tx, task, { path: prepared.path, digest: prepared.digest }, config) };
    });
    this.report(flags.json, { registered: true, created: false, unchanged: !changed, path: prepared.path, digest: prepared.digest, step: task.step }, () =>
      changed
        ? `registered plan ${prepared.path} for task ${task.id}; step: ${task.step}\n  next: ${config.steps['plan-review'] ? reviewCommand(config, 'plan-review') : 'implement, git add, then: wf test'}`
        : `plan ${prepared.path} is registered already and unchanged; task ${task.id} stays at ${task.step}\n  next: wf next`,
    );
  }
}
