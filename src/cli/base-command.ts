import { Command, Flags } from '@oclif/core';
import { inInvocationForm, invocationPrefix } from '../installation/index.js';

/**
 * Commands only parse, call the core, and render. `report` prints either the
 * data as JSON (`--json`) or the human rendering, so every reporting command
 * offers the same machine-readable form.
 */
export abstract class WfCommand extends Command {
  static override baseFlags = {
    json: Flags.boolean({ description: 'Print the result as JSON.', default: false }),
  };

  protected report(json: boolean, data: unknown, human: () => string): void {
    if (json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else {
      // Its next: lines name commands as `wf …`; the user may have typed npx wf.
      const text = inInvocationForm(human(), invocationPrefix(process.env));
      if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }
}
