import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { takeSecretFile, TOKEN_FILE_ENV } from '../ci/index.js';
import { refused, usageError } from '../errors/index.js';
import { runFix, type FixReport } from '../fix/index.js';

/**
 * Tokens wf fix uses itself, and the runner's own (cache and artifact access): no child inherits them
 * (tests, hooks, reviewers, the fixer). A child running as the same user could still read them in
 * /proc/<wf>/environ, which deleting a variable does not change: hence the token file of the template.
 */
const FORGE_TOKENS = ['WF_GITHUB_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN', 'WF_ATTESTATION_KEY', TOKEN_FILE_ENV, 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'];

function render(report: FixReport): string {
  const lines = [`wf fix: ${report.outcome}${report.trigger ? ` (${report.trigger})` : ''}: ${report.reason}`];
  for (const a of report.attempts) lines.push(`  attempt ${a.number}: ${a.outcome}, ${a.detail}${a.costUsd > 0 ? ` ($${a.costUsd.toFixed(4)})` : ''}`);
  if (report.commit) lines.push(`  commit ${report.commit.slice(0, 12)} (fingerprint ${report.fingerprint?.slice(0, 12)}…)`);
  if (report.pushed) lines.push(`  pushed to ${report.pushed.ref}`);
  if (report.pullRequest) lines.push(`  opened ${report.pullRequest.url}`);
  if (report.posted) lines.push(`  posted ${report.posted.kind}: ${report.posted.url}`);
  if (report.outcome === 'dry-run') {
    lines.push('  would:', ...report.wouldDo.map((w) => `    - ${w}`), '', '--- the fixer\'s packet ---', report.packet ?? '');
  }
  return lines.join('\n');
}

export default class Fix extends WfCommand {
  static override summary = 'CI: turn a review comment, a changes-requested review or a red run into a tested, reviewed fix commit.';
  static override description = [
    'Reads the event GitHub Actions hands the job (GITHUB_EVENT_PATH): a comment starting with the trigger phrase ("@wf fix"), a "changes requested" review, or a failed workflow_run.',
    'It acts only for a User with write, maintain or admin permission, never on a draft, a fork, its own comments, or an event it answered already, and within fix.maxAttempts, fix.maxPerHour and fix.maxCostUsd.',
    'The fixer configured on the base branch changes the checkout; the change must pass the size limit, the protected files, the secret scan, the tests and the base\'s reviewers, and is committed with a Fix-Of trailer.',
    'Then it posts suggestions (fix.mode: suggest, the default) or pushes to the branch (fix.mode: push; a red default branch gets a pull request from wf-fix/<run id>).',
  ].join(' ');
  static override examples = ['<%= config.bin %> fix', '<%= config.bin %> fix --event payload.json --event-name issue_comment --dry-run'];
  static override flags = {
    event: Flags.string({ description: 'The webhook payload (default: GITHUB_EVENT_PATH).', helpValue: '<file>' }),
    'event-name': Flags.string({ description: 'The event\'s name (default: GITHUB_EVENT_NAME, else told from the payload).', helpValue: '<name>' }),
    'dry-run': Flags.boolean({ description: 'Decide and print the packet and what would be posted or pushed; run no fixer, post and push nothing.', default: false }),
    remote: Flags.string({ description: 'The remote to fetch from and push to.', default: 'origin', helpValue: '<remote>' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Fix);
    const env = process.env;
    const eventPath = flags.event ?? env.GITHUB_EVENT_PATH;
    if (!eventPath) throw usageError('no event to read: pass --event <file>, or run in GitHub Actions (GITHUB_EVENT_PATH)', { hint: 'wf fix --event payload.json --dry-run' });
    const full = env.GITHUB_REPOSITORY ?? '';
    const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(full);
    if (!match) throw usageError(`GITHUB_REPOSITORY is ${full ? JSON.stringify(full) : 'not set'}, not <owner>/<repo>`, { where: 'GITHUB_REPOSITORY', hint: 'run wf fix in GitHub Actions, or set GITHUB_REPOSITORY=owner/repo' });
    // The file (the template's way) wins: a fixer running as this user can read /proc/<wf>/environ, never wf's memory.
    const token = (takeSecretFile(env, TOKEN_FILE_ENV) ?? '').trim() || (env.WF_GITHUB_TOKEN ?? '').trim() || (env.GITHUB_TOKEN ?? '').trim() || null;
    // The fixer reads only the names its config lists, from this copy; wf's own environment keeps no token.
    const fixerEnv = { ...env };
    for (const name of FORGE_TOKENS) {
      delete fixerEnv[name];
      delete process.env[name];
    }
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let report: FixReport;
    try {
      report = await runFix({
        eventPath,
        eventName: flags['event-name'] ?? env.GITHUB_EVENT_NAME,
        dryRun: flags['dry-run'],
        github: { owner: match[1]!, repo: match[2]!, apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''), serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '') },
        token,
        fixerEnv,
        remote: flags.remote,
        withhold: (names) => {
          for (const name of names) delete process.env[name];
        },
        signal: controller.signal,
        onProgress: (line) => process.stderr.write(`${line}\n`),
        onOutput: (chunk) => process.stderr.write(chunk),
      });
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    this.report(flags.json, report, () => render(report));
    if (report.exitCode !== 0) throw refused(`wf fix ${report.outcome === 'refused' ? 'refused the fix' : 'gave up'}: ${report.reason}`, { hint: 'read the comment wf fix posted on the pull request', reported: true });
  }
}
