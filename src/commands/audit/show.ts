import { Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { openRepo } from '../../git/index.js';
import { parseAuditEntries, readAuditText } from '../../audit/index.js';

export default class AuditShow extends WfCommand {
  static override summary = 'List the entries of the audit log.';
  static override examples = ['<%= config.bin %> audit show', '<%= config.bin %> audit show --task-id PROJ-12 --json'];
  static override flags = {
    'task-id': Flags.string({ description: 'Only entries of this task.' }),
    limit: Flags.integer({ description: 'Only the last N entries.', min: 1 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(AuditShow);
    const repo = await openRepo();
    let entries = parseAuditEntries(readAuditText(repo.root));
    if (flags['task-id']) entries = entries.filter((e) => e.taskId === flags['task-id']);
    if (flags.limit) entries = entries.slice(-flags.limit);
    this.report(flags.json, entries, () => {
      if (entries.length === 0) return 'the audit log has no entries yet';
      return entries
        .map((e) => {
          const who = e.reviewer ? ` ${e.reviewer}${e.continuationId ? `:${e.continuationId}` : ''}` : '';
          const parts = [`#${e.seq}`, e.time, e.event, e.taskId ?? '-', e.step ?? '', e.status ?? ''].filter(Boolean);
          const fp = e.fingerprint ? ` ${e.fingerprint.slice(0, 12)}` : '';
          return `${parts.join('  ')}${who}${fp}`;
        })
        .join('\n');
    });
  }
}
