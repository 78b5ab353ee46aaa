import { WfCommand } from '../../cli/base-command.js';
import { openRepo } from '../../git/index.js';
import { uninstallHooks } from '../../setup/index.js';

export default class HooksUninstall extends WfCommand {
  static override summary = 'Remove what `wf hooks install` added, restoring any hook it had kept aside.';

  async run(): Promise<void> {
    const { flags } = await this.parse(HooksUninstall);
    const changes = await uninstallHooks(await openRepo());
    this.report(flags.json, changes, () => changes.map((c) => `${c.hook}: ${c.action} (${c.path})${c.note ? ` ${c.note}` : ''}`).join('\n'));
  }
}
