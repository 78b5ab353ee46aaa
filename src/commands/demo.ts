import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { runDemo } from '../demo/index.js';
import { makeStyle } from '../cli/style.js';

export default class Demo extends WfCommand {
  static override summary = 'Walk a task through all six steps in a throwaway repository, then show the refusals.';
  static override flags = { keep: Flags.boolean({ description: 'Keep the temporary repository for a look around.', default: false }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(Demo);
    const code = await runDemo({ keep: flags.keep, style: makeStyle(), out: (t) => process.stdout.write(`${t}\n`) });
    if (code !== 0) this.exit(code);
  }
}
