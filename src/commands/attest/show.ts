import { Args, Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { showAttestations } from '../../ci/index.js';
import { openRepo } from '../../git/index.js';
import { plural } from '../../text/index.js';

export default class AttestShow extends WfCommand {
  static override summary = 'List the attestations of a commit (by its fingerprint) or of a fingerprint, and whether each verifies.';
  static override examples = ['<%= config.bin %> attest show HEAD', '<%= config.bin %> attest show 3f2b…(64 hex) --base origin/main'];
  static override args = { target: Args.string({ description: 'A commit, or a 64-hex change fingerprint.', required: true }) };
  static override flags = {
    base: Flags.string({ description: 'Whose .claude/wf-attestors and reviewers judge them.', default: 'HEAD', helpValue: '<ref>' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(AttestShow);
    const repo = await openRepo();
    const shown = await showAttestations(repo, args.target, flags.base);
    this.report(flags.json, shown, () => {
      const lines = [`fingerprint ${shown.fingerprint}${shown.commit ? ` (commit ${shown.commit.slice(0, 12)})` : ''}: ${plural(shown.attestations.length, 'attestation')}${shown.tip ? '' : ' (the attestations ref is not here: ' + shown.fetchHint + ')'}`];
      for (const a of shown.attestations) {
        lines.push(`  ${a.valid ? '✓' : '✗'} ${a.path}: ${a.reviewer ?? '?'} ${a.verdict ?? ''} ${a.time ?? ''}${a.signer ? ` signed by ${a.signer}` : ''}${a.problem ? ` — ${a.problem}` : ''}`);
      }
      return lines.join('\n');
    });
  }
}
