import { Args, Command, loadHelpClass } from '@oclif/core';
import { usageError } from '../errors/index.js';
import { closestCommand } from '../cli/command-names.js';
import { invocationPrefix } from '../installation/index.js';

/**
 * `wf help [command…]`. oclif answers `--help` itself but ships `help` as a
 * command only in a separate plugin; this one command is all of it we need.
 */
export default class HelpCommand extends Command {
  static override summary = 'Show help for wf or for one command.';
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help review run', '<%= config.bin %> help task:start'];
  static override strict = false;
  static override args = {
    command: Args.string({ description: 'The command, with spaces or colons between its words (review run, review:run).', required: false }),
  };

  async run(): Promise<void> {
    const { argv } = await this.parse(HelpCommand);
    const words = (argv as string[]).flatMap((word) => word.split(':')).filter((word) => word !== '');
    const Help = await loadHelpClass(this.config);
    const help = new Help(this.config, this.config.pjson.oclif?.helpOptions ?? {});
    if (words.length === 0) {
      await help.showHelp([]);
      return;
    }
    const id = words.join(':');
    if (!this.config.findCommand(id) && this.config.topics.every((t) => t.name !== id)) {
      // The same hint as a mistyped command: the closest one, named in the form wf was invoked, never shown unasked.
      const wf = invocationPrefix(process.env);
      const guess = closestCommand(id);
      throw usageError(`wf has no command "${words.join(' ')}"`, { hint: guess ? `${wf} help ${guess}   (did you mean it?  all commands: ${wf} --help)` : `${wf} --help   (lists every command)` });
    }
    await help.showHelp([id]);
  }
}
