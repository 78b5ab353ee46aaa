import { WfCommand } from '../../cli/base-command.js';
import { openRepo } from '../../git/index.js';
import { installHooks } from '../../setup/index.js';

export default class HooksInstall extends WfCommand {
  static override summary = 'Install the pre-commit and commit-msg hooks (keeping any hook already there).';
  static override description =
    'The hooks folder comes from `git rev-parse --git-path hooks`, so worktrees and core.hooksPath work. A hook that was there before is kept as <name>.pre-wf and still runs first. In a husky repository one marked line is added to .husky/pre-commit and .husky/commit-msg instead.';

  async run(): Promise<void> {
    const { flags } = await this.parse(HooksInstall);
    const changes = await installHooks(await openRepo());
    this.report(flags.json, changes, () => changes.map((c) => `${c.hook}: ${c.action} (${c.path})`).join('\n'));
  }
}
