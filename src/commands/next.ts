import { WfCommand } from '../cli/base-command.js';
import { taskIdFlag } from '../cli/task-flags.js';
import { nextForCwd, renderNext } from '../ship/index.js';

export default class Next extends WfCommand {
  static override summary = 'The one next action for the current task: the command to run and why, from the same gates as the hooks.';
  static override description =
    'For example: wf plan while the plan is still the template; "address the findings" with the findings after a NEEDS_REVISION; wf ship when the staged change is ready. The stop hook and wf status give the same answer. Runs on the fast path (no oclif start-up), so an agent can ask it every turn.';
  static override examples = ['<%= config.bin %> next', '<%= config.bin %> next --json'];
  static override flags = { 'task-id': taskIdFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(Next);
    const next = await nextForCwd(process.cwd(), flags['task-id']);
    this.report(flags.json, next, () => renderNext(next));
  }
}
