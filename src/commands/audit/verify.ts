import { WfCommand } from '../../cli/base-command.js';
import { refused } from '../../errors/index.js';
import { openRepo } from '../../git/index.js';
import { auditPath, readAuditText, verifyAuditLog } from '../../audit/index.js';
import { plural } from '../../text/index.js';

export default class AuditVerify extends WfCommand {
  static override summary = 'Check the hash chain of .claude/workflow-audit.log.';
  static override description =
    'Exits 1 naming the first edited, reordered, inserted or deleted entry. A torn last line left by a crash is reported as such, and the entries before it are still checked.';
  static override examples = ['<%= config.bin %> audit verify', '<%= config.bin %> audit verify --json'];

  async run(): Promise<void> {
    const { flags } = await this.parse(AuditVerify);
    const repo = await openRepo();
    const result = verifyAuditLog(readAuditText(repo.root));
    const file = auditPath(repo.root);
    this.report(flags.json, { file, ...result }, () =>
      result.ok ? `audit log OK: ${plural(result.entries, 'entry', 'entries')}, chain intact (${file})` : result.problems.map((p) => `line ${p.line}: ${p.message}`).join('\n'),
    );
    if (!result.ok) {
      throw refused(`the audit log does not verify: ${result.problems[0]!.message}`, {
        where: file,
        hint: 'compare the file with its history (git log -p -- .claude/workflow-audit.log) to see who changed it',
        reported: true,
      });
    }
  }
}
