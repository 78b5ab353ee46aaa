import { WfCommand } from '../cli/base-command.js';
import { renderWorkflowMarkdown, GATE_DOCS, STEPS, STEP_INFO, TRANSITIONS } from '../workflow/index.js';

export default class Docs extends WfCommand {
  static override summary = 'Print the workflow (steps, transitions, gates) generated from the definition wf runs.';

  async run(): Promise<void> {
    const { flags } = await this.parse(Docs);
    this.report(flags.json, { steps: STEPS.map((s) => STEP_INFO[s]), transitions: TRANSITIONS, gates: GATE_DOCS }, () => renderWorkflowMarkdown());
  }
}
