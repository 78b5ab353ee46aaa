import { WfCommand } from '../cli/base-command.js';

export default class Docs extends WfCommand {
  static override summary = 'Print the workflow (steps, transitions, gates) generated from the definition wf runs.';

  async run(): Promise<void> {
    const { flags } = await this.parse(Docs);
    const { renderWorkflowMarkdown, GATE_DOCS } = await import('../workflow/index.js');
    const { STEPS, STEP_INFO, TRANSITIONS } = await import('../workflow/index.js');
    this.report(flags.json, { steps: STEPS.map((s) => STEP_INFO[s]), transitions: TRANSITIONS, gates: GATE_DOCS }, () => renderWorkflowMarkdown());
  }
}
