import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { readFileSync, appendFileSync } from 'node:fs';
import { openRepo } from '../git/index.js';
import { baseFromEnvironment, verifyRange, githubAnnotations, stepSummaryMarkdown } from '../ci/index.js';
import { refused, usageError } from '../errors/index.js';
import { makeStyle } from '../cli/style.js';
import { plural } from '../text/index.js';
import { reportCannotRun } from '../cli/ci-report.js';

export default class Verify extends WfCommand {
  static override summary = 'CI: check that every commit in base..head carries a Review-Hash equal to its recomputed fingerprint.';
  static override description =
    'Catches commits made with --no-verify, git commit-tree or a GUI client. Judged by the config as it is on the base, so a pull request cannot loosen the rules it is judged by. Clean merges (identical to git\'s automatic merge) and commits that only touch wf\'s own state pass without a trailer. In GitHub Actions the base comes from the pull-request event and failures become ::error annotations and a step-summary table; in GitLab from CI_MERGE_REQUEST_DIFF_BASE_SHA.';
  static override examples = ['<%= config.bin %> verify --base origin/main', '<%= config.bin %> verify --base main --head feature --json'];
  static override flags = {
    base: Flags.string({ description: 'Commits reachable from here are not checked (default: from the CI environment).', helpValue: '<ref>' }),
    head: Flags.string({ description: 'The tip to check.', default: 'HEAD', helpValue: '<ref>' }),
  };

  async run(): Promise<void> {
    try {
      await this.check();
    } catch (err) {
      reportCannotRun('wf verify', err, this.argv);
      throw err;
    }
  }

  private async check(): Promise<void> {
    const { flags } = await this.parse(Verify);
    const base = flags.base ?? baseFromEnvironment({ env: process.env, readFile: (p) => readFileSync(p, 'utf8') });
    if (!base) {
      throw usageError('no base to verify against: pass --base, or run in a GitHub pull-request or GitLab merge-request pipeline', {
        hint: 'wf verify --base origin/main',
      });
    }
    const repo = await openRepo();
    const report = await verifyRange(repo, base, flags.head);
    const warnOnly = report.mode === 'warn';
    if (process.env.GITHUB_ACTIONS === 'true' && !flags.json) {
      for (const line of githubAnnotations(report)) process.stdout.write(`${warnOnly ? line.replace('::error', '::warning') : line}\n`);
    }
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, stepSummaryMarkdown(report));
    this.report(flags.json, report, () => {
      const s = makeStyle();
      const lines: string[] = [];
      for (const c of report.commits) {
        if (c.status === 'pass') continue;
        lines.push(`${s.red('✗')} ${c.commit.slice(0, 12)} ${c.subject}: ${c.reasons.join('; ')}`);
        if (c.fix) lines.push(`    → ${c.fix}`);
      }
      for (const r of report.audit.reasons) lines.push(`${s.red('✗')} audit log: ${r}`);
      const kinds = (k: string) => report.commits.filter((c) => c.kind === k).length;
      lines.push(
        `${report.ok ? s.green('wf verify: OK') : s.red('wf verify: FAILED')}: ${report.summary.passed} of ${plural(report.summary.total, 'commit')} pass` +
          ` (${plural(kinds('clean-merge'), 'clean merge')}, ${kinds('tool-state-only')} state-only); base ${report.base.slice(0, 12)}, minApprovals ${report.minApprovals} from the base's config` +
          (report.audit.tracked ? `; audit log ${report.audit.ok ? 'verifies and only grew' : 'FAILED'}` : ''),
      );
      if (!report.ok && warnOnly) lines.push('mode: warn on the base branch: reported, not failing');
      return lines.join('\n');
    });
    if (!report.ok && !warnOnly) {
      throw refused(`${plural(report.summary.failed, 'commit')} in ${report.base.slice(0, 12)}..${flags.head} ${report.summary.failed === 1 ? 'is' : 'are'} not verified${report.audit.ok ? '' : ', and the audit log failed'}`, {
        hint: 'redo each listed commit through the gates (wf test, a review, wf commit) and push again',
        reported: true,
      });
    }
  }
}
