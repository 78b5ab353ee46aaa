import { Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { openRepo } from '../../git/index.js';
import { generateAttestationKey } from '../../setup/index.js';

export default class AttestKeygen extends WfCommand {
  static override summary = 'Make the CI signing key pair, and add its public key to .claude/wf-attestors.';
  static override description =
    'The private key is written to a new folder outside the repository (mode 600) and never printed. Store it as the CI secret WF_ATTESTATION_KEY, in an environment only the base branch may use, then delete the file. Commit .claude/wf-attestors on the base branch.';
  static override examples = ['<%= config.bin %> attest keygen --principal ci@example.com'];
  static override flags = {
    principal: Flags.string({ description: 'Who signs (ssh-keygen -I matches it).', default: 'wf-review-ci', helpValue: '<name>' }),
    'valid-days': Flags.integer({ description: 'valid-before this many days from now (key rotation); default: no end.', min: 1 }),
    out: Flags.string({ description: 'Folder for the private key (default: a new temporary folder).', helpValue: '<dir>' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(AttestKeygen);
    const repo = await openRepo();
    const key = await generateAttestationKey(repo, { principal: flags.principal, validDays: flags['valid-days'], outDir: flags.out });
    this.report(flags.json, key, () =>
      [
        `added to ${key.attestorsFile}: ${key.publicLine}`,
        `private key: ${key.privateKeyPath} (fingerprint ${key.fingerprint}); it is not shown here`,
        '',
        'next:',
        `  1. GitHub: gh secret set WF_ATTESTATION_KEY --env wf-attest < ${key.privateKeyPath}`,
        '     (in Settings → Environments → wf-attest, allow only the base branch to deploy)',
        `     GitLab: a protected, masked variable WF_ATTESTATION_KEY holding the file's text`,
        `  2. rm -rf ${key.privateKeyDir}`,
        `  3. git add ${key.attestorsFile} && wf commit -m "Add the CI attestation key"   (it counts once it is on the base branch)`,
      ].join('\n'),
    );
  }
}
