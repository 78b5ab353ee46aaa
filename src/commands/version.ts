import { WfCommand } from '../cli/base-command.js';

export default class Version extends WfCommand {
  static override summary = "Print wf's version (also wf --version and wf -v).";
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version --json'];

  async run(): Promise<void> {
    const { flags } = await this.parse(Version);
    const info = { version: this.config.version, node: process.version, platform: `${process.platform}-${process.arch}` };
    this.report(flags.json, info, () => `wf-gate/${info.version} ${info.platform} node-${info.node}`);
  }
}
