import { Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { openRepo, type Repo } from '../../git/index.js';
import { isWfError } from '../../errors/index.js';
import { installHooks } from '../../setup/index.js';

export default class HooksInstall extends WfCommand {
  static override summary = 'Install the pre-commit and commit-msg hooks (keeping any hook already there).';
  static override description =
    'The hooks folder comes from `git rev-parse --git-path hooks`, so worktrees and core.hooksPath work. A hook that was there before is kept as <name>.pre-wf and still runs first. In a husky repository one marked line is added to .husky/pre-commit and .husky/commit-msg instead; in a lefthook or pre-commit repository a marked entry goes into lefthook.yml or .pre-commit-config.yaml, and the manager writes the hooks. A hooks folder outside the repository (a global core.hooksPath) is refused without --global-hooks-path.';
  static override flags = {
    'global-hooks-path': Flags.boolean({ description: 'Write into a hooks folder outside this repository (a global core.hooksPath), which every repository using it then shares.', default: false }),
    'if-repository': Flags.boolean({ description: "Outside a git work tree (a Docker build, a packed tarball) do nothing and exit 0: for package.json's prepare script, which npm runs there too.", default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(HooksInstall);
    let repo: Repo;
    try {
      repo = await openRepo();
    } catch (err) {
      if (!flags['if-repository'] || !isWfError(err)) throw err;
      this.report(flags.json, [], () => `wf: no git hooks installed: ${err.message}`);
      return;
    }
    const changes = await installHooks(repo, { globalHooksPath: flags['global-hooks-path'] });
    this.report(flags.json, changes, () => changes.map((c) => `${c.hook}: ${c.action} (${c.path})${c.note ? `\n  note: ${c.note}` : ''}`).join('\n'));
  }
}
