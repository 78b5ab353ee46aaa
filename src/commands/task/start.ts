import { Args, Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { assertTaskId, mutateStore } from '../../state/index.js';
import { openWorkspace } from '../../cli/workspace.js';
import { registerPlan, startTask } from '../../tasks/index.js';
import { preparePlan } from '../../gates/index.js';

export default class TaskStart extends WfCommand {
  static override summary = 'Start a task at the plan step.';
  static override examples = ['<%= config.bin %> task start PROJ-12 --title "Rate-limit the login endpoint"', '<%= config.bin %> task start PROJ-13 --complex'];
  static override args = { id: Args.string({ description: 'Task id: 1-64 of A-Z a-z 0-9 . _ -', required: true }) };
  static override flags = {
    title: Flags.string({ description: 'What the task is about.' }),
    complex: Flags.boolean({ description: 'Mark the task complex: it then needs at least one todo before a commit.', default: false }),
    plan: Flags.string({ description: 'Register this written plan (a file inside the repository) in the same command: the task starts at plan-review.', helpValue: '<file>' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TaskStart);
    assertTaskId(args.id);
    const { repo, config } = await openWorkspace();
    // The plan is checked before anything is written: a bad plan file leaves no half-started task.
    const prepared = flags.plan === undefined ? null : preparePlan(repo.root, args.id, flags.plan, config.plan.minWords);
    const { value: task } = await mutateStore(repo.root, (tx) => {
      const started = startTask(tx, { id: args.id, title: flags.title, complex: flags.complex }, config);
      if (prepared && prepared.kind !== 'created') registerPlan(tx, started, { path: prepared.path, digest: prepared.digest }, config);
      return started;
    });
    this.report(flags.json, task, () =>
      prepared ? `started task ${task.id} with plan ${task.plan?.path}; step: ${task.step}\n  next: wf ship --task-id ${task.id}   (runs the plan reviewers)` : `started task ${task.id} at step plan\n  next: wf plan --task-id ${task.id}`,
    );
  }
}
