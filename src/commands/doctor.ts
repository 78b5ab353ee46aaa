import { WfCommand } from '../cli/base-command.js';
import { openRepo } from '../git/index.js';
import { runDoctor } from '../setup/index.js';
import { refused } from '../errors/index.js';
import { makeStyle } from '../cli/style.js';
import { plural } from '../text/index.js';

export default class Doctor extends WfCommand {
  static override summary = 'Check the installation end to end: config, state, git hooks, the agent guard wiring, and that the guard really blocks.';
  static override description = 'Exits 1 when any check fails (warnings do not fail). Each failing check names the command that fixes it.';

  async run(): Promise<void> {
    const { flags } = await this.parse(Doctor);
    const checks = await runDoctor(await openRepo());
    const failed = checks.filter((c) => c.status === 'fail');
    this.report(flags.json, { ok: failed.length === 0, checks }, () => {
      const s = makeStyle();
      const mark = { ok: s.green('✓'), fail: s.red('✗'), warn: s.yellow('!') };
      return checks.map((c) => `${mark[c.status]} ${c.name}: ${c.detail}${c.fix && c.status !== 'ok' ? `\n    → ${c.fix}` : ''}`).join('\n');
    });
    if (failed.length > 0) throw refused(`${plural(failed.length, 'check')} failed: ${failed.map((c) => c.name).join(', ')}`, { hint: failed[0]!.fix ?? 'wf doctor', reported: true });
  }
}
