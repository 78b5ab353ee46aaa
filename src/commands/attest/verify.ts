import { Flags } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { WfCommand } from '../../cli/base-command.js';
import { baseFromEnvironment, verifyRange } from '../../ci/index.js';
import { refused, usageError } from '../../errors/index.js';
import { openRepo } from '../../git/index.js';
import { plural } from '../../text/index.js';

export default class AttestVerify extends WfCommand {
  static override summary = "Check that every commit of base..head that needs a review has enough valid attestations, as wf verify does when the base requires them.";
  static override examples = ['<%= config.bin %> attest verify --base origin/main'];
  static override flags = {
    base: Flags.string({ description: 'Commits reachable from here are not checked (default: from the CI environment).', helpValue: '<ref>' }),
    head: Flags.string({ description: 'The tip to check.', default: 'HEAD', helpValue: '<ref>' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(AttestVerify);
    const base = flags.base ?? baseFromEnvironment({ env: process.env, readFile: (p) => readFileSync(p, 'utf8') });
    if (!base) throw usageError('no base: pass --base', { hint: 'wf attest verify --base origin/main' });
    const report = await verifyRange(await openRepo(), base, flags.head, { requireAttestations: true });
    const failing = report.commits.filter((c) => c.attestedBy !== null && c.reasons.some((r) => r.includes('attested approval')));
    this.report(flags.json, report, () =>
      [
        ...report.commits.filter((c) => c.attestedBy !== null).map((c) => `${failing.includes(c) ? '✗' : '✓'} ${c.commit.slice(0, 12)} ${c.subject}: attested by ${c.attestedBy!.join(', ') || 'nobody'}${failing.includes(c) ? ` — ${c.reasons.filter((r) => r.includes('attested approval')).join('; ')}` : ''}`),
        ...report.attestorProblems.map((p) => `! ${p}`),
        `wf attest verify: ${report.commits.filter((c) => c.attestedBy !== null).length - failing.length} of ${plural(report.commits.filter((c) => c.attestedBy !== null).length, 'reviewed commit')} attested (minApprovals ${report.minApprovals})`,
      ].join('\n'),
    );
    if (failing.length > 0) throw refused(`${plural(failing.length, 'commit')} ${failing.length === 1 ? 'lacks' : 'lack'} valid attestations`, { hint: 'run the review job (wf review ci), or fetch the attestations ref', reported: true });
  }
}
