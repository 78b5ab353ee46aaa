import { Args } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { runHookCli } from '../hooks/index.js';

export default class Hook extends WfCommand {
  static override summary = 'Entry points for git hooks (run by the installed hooks, on a fast path without oclif).';
  static override description =
    'pre-commit: checks every gate against exactly what git is committing (GIT_INDEX_FILE is honoured, so git commit -a and git commit <paths> are judged on their temporary index).\ncommit-msg <file>: appends Review-Hash and Review-Id trailers when approved reviews match the change, refuses a trailer that does not match, and refuses when nothing approved matches.\npre-bash / pre-edit: Claude Code PreToolUse guards reading the tool payload on stdin; exit 2 blocks with the reason on stderr (also for any payload they cannot read: they fail closed).\nstop: Claude Code Stop hook; reminds the agent once of an unfinished step.\nExit codes of the git hooks: 0 allowed, 1 refused, 2 bad input, 3 environment.';
  static override examples = ['<%= config.bin %> hook pre-commit', '<%= config.bin %> hook commit-msg .git/COMMIT_EDITMSG'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'Which hook.', required: true, options: ['pre-commit', 'commit-msg', 'pre-bash', 'pre-edit', 'stop'] }) };

  async run(): Promise<void> {
    // Reached only via `wf help hook`-style paths; bin/wf.js routes `wf hook …` to the fast path first.
    const { argv } = await this.parse(Hook);
    const code = await runHookCli(argv as string[]);
    if (code !== 0) this.exit(code);
  }
}
