import { appendFileSync, readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { baseFromEnvironment, reviewCi, reviewCiAnnotations, reviewCiSummaryMarkdown, postReviewCiResult } from '../../ci/index.js';
import { refused, usageError } from '../../errors/index.js';
import { openRepo } from '../../git/index.js';
import { plural } from '../../text/index.js';
import { reportCannotRun } from '../../cli/ci-report.js';

export default class ReviewCi extends WfCommand {
  static override summary = 'CI: review each commit of base..head that has no valid attestation, and sign an attestation for each approval.';
  static override description =
    'Run it in a job defined on the base branch (pull_request_target), with the signing key in WF_ATTESTATION_KEY. The packet is built from git objects only: nothing of the pull request is checked out or run. The reviewers are those configured on the base, run in an empty folder with only the environment their config names. A commit whose fingerprint already has valid attestations (a rebase that kept the change) is not reviewed again. Posts a COMMENT review on GitHub (a merge-request note on GitLab) when a token is in the environment.';
  static override examples = [
    '<%= config.bin %> review ci --base "$BASE_SHA" --head "$HEAD_SHA" --remote origin',
    '<%= config.bin %> review ci --base origin/main --dry-run',
  ];
  static override flags = {
    base: Flags.string({ description: 'Commits reachable from here are not reviewed (default: from the CI environment).', helpValue: '<ref>' }),
    head: Flags.string({ description: 'The tip to review.', default: 'HEAD', helpValue: '<ref>' }),
    'max-commits': Flags.integer({ description: 'Refuse, running nothing, when more commits than this need a review (a cost cap).', default: 20, min: 1 }),
    'dry-run': Flags.boolean({ description: 'Say what would be reviewed, with packet sizes; run no reviewer, sign nothing.', default: false }),
    remote: Flags.string({ description: 'Fetch the attestations ref from this remote first, and push new attestations there.', helpValue: '<remote>' }),
    post: Flags.boolean({ description: 'Post the result to the pull request (GitHub) or merge request (GitLab); needs a token in the environment.', default: true, allowNo: true }),
  };

  async run(): Promise<void> {
    try {
      await this.check();
    } catch (err) {
      reportCannotRun('wf review ci', err, this.argv);
      throw err;
    }
  }

  private async check(): Promise<void> {
    const { flags } = await this.parse(ReviewCi);
    const readFile = (p: string) => readFileSync(p, 'utf8');
    const base = flags.base ?? baseFromEnvironment({ env: process.env, readFile });
    if (!base) throw usageError('no base to review against: pass --base, or run in a GitHub pull-request or GitLab merge-request pipeline', { hint: 'wf review ci --base origin/main' });
    const repo = await openRepo();
    const report = await reviewCi({
      repo,
      base,
      head: flags.head,
      maxCommits: flags['max-commits'],
      dryRun: flags['dry-run'],
      remote: flags.remote,
      env: process.env,
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    if (process.env.GITHUB_ACTIONS === 'true' && !flags.json) for (const line of reviewCiAnnotations(report)) process.stdout.write(`${line}\n`);
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, reviewCiSummaryMarkdown(report));
    const posted = flags.post && !report.dryRun ? await postReviewCiResult(report, process.env, readFile) : null;
    this.report(flags.json, { ...report, posted }, () => {
      const lines = report.commits.map((c) => {
        const what = report.dryRun && c.status === 'not-reviewed' ? `would be reviewed (packet ${c.packetBytes} bytes)` : c.status;
        return `${c.commit.slice(0, 12)} ${c.subject}: ${what}${c.approvedBy.length ? ` [${c.approvedBy.join(', ')}]` : ''}${c.findings.length ? `\n    ${c.findings.join('\n    ')}` : ''}`;
      });
      lines.push(
        `wf review ci: ${report.summary.attested} of ${plural(report.summary.total, 'commit')} attested, ${report.summary.needsRevision} need revision, ${report.summary.failed} failed; ${plural(report.attestationsWritten, 'attestation')} signed${report.pushed ? ' and pushed' : ''}${posted ? `; posted to ${posted}` : ''}`,
      );
      return lines.join('\n');
    });
    if (!report.ok) {
      throw refused(`${plural(report.summary.needsRevision + report.summary.failed, 'commit')} ${report.summary.needsRevision + report.summary.failed === 1 ? 'is' : 'are'} not attested`, { hint: 'address the findings above, push, and the job runs again', reported: true });
    }
  }
}
