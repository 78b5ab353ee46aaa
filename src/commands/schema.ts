import { Args } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { jsonSchemaFor } from '../config/index.js';

export default class Schema extends WfCommand {
  static override summary = 'Print the JSON Schema of the state file or the config file.';
  static override description = 'Generated from the zod schemas wf itself validates with, so other tools can read wf\'s files safely.';
  static override examples = ['<%= config.bin %> schema state > task-state.schema.json', '<%= config.bin %> schema config'];
  static override args = {
    document: Args.string({ description: 'Which document.', options: ['state', 'config'], default: 'state' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(Schema);
    process.stdout.write(`${JSON.stringify(jsonSchemaFor(args.document as 'state' | 'config'), null, 2)}\n`);
  }
}
