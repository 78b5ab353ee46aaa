import { Flags } from '@oclif/core';
import { WfCommand } from '../../cli/base-command.js';
import { taskIdFlag } from '../../cli/task-flags.js';
import { type ReviewerOutcome, type ReviewRunReport, runReviews } from '../../review/index.js';
import { environmentError, refused } from '../../errors/index.js';
import { plural } from '../../text/index.js';

export default class ReviewRun extends WfCommand {
  static override summary = 'Run the configured reviewers on the plan or the staged change and record the verdicts they print.';
  static override description =
    'wf sends each reviewer (reviewers in .claude/wf.config.json) a packet with the task, the plan, the staged diff and the fingerprint, then reads the verdict and the session id from its output. A reviewer that times out, crashes, prints no verdict or no real session id, or whose code moved while it ran, gets nothing recorded (exit 1). needs-revision is recorded like approved (exit 0).';
  static override examples = [
    '<%= config.bin %> review run',
    '<%= config.bin %> review run --reviewer gemini --step plan-review',
    '<%= config.bin %> review run --resume',
  ];
  static override flags = {
    'task-id': taskIdFlag,
    reviewer: Flags.string({ description: 'A reviewer from the config (repeatable; default: all of them, in config order).', multiple: true, helpValue: '<name>' }),
    step: Flags.string({ description: 'Which review (default: plan-review while the task is at plan or plan-review, else review).', options: ['plan-review', 'review'] }),
    resume: Flags.boolean({ description: "Continue each reviewer's last session on this task (its resumeArgs with {id}).", default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ReviewRun);
    const report = await runReviews({
      taskId: flags['task-id'],
      step: flags.step as 'plan-review' | 'review' | undefined,
      reviewers: flags.reviewer,
      resume: flags.resume,
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    this.report(flags.json, report, () => renderReport(report));
    const failures = report.reviewers.filter((o): o is Extract<ReviewerOutcome, { outcome: 'failed' }> => o.outcome === 'failed');
    if (failures.length === 0) return;
    const message = [
      `${failures.length} of ${plural(report.reviewers.length, 'reviewer')} gave no verdict that could be recorded:`,
      ...failures.map(renderFailure),
    ].join('\n');
    const hint = failures.length === 1 ? failures[0]!.hint : `fix each reviewer above, then: wf review run --reviewer <name>${report.step === 'plan-review' ? ' --step plan-review' : ''}`;
    // A reviewer that cannot even start is the environment's problem (exit 3), like a test command that cannot start.
    const make = failures.some((f) => f.failure === 'could-not-start') ? environmentError : refused;
    throw make(message, { hint, reported: flags.json });
  }
}

function indent(text: string, by = '      '): string {
  return text
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');
}

function renderFailure(f: Extract<ReviewerOutcome, { outcome: 'failed' }>): string {
  const lines = [`  ✗ ${f.message}`];
  if (f.stderrTail) lines.push(`    its stderr (last lines):`, indent(f.stderrTail));
  // Without stderr, the end of stdout is what shows why no verdict was found.
  if (!f.stderrTail && f.stdoutTail && (f.failure === 'no-verdict' || f.failure === 'no-continuation-id' || f.failure === 'crashed')) {
    lines.push(`    its stdout (last lines):`, indent(f.stdoutTail));
  }
  return lines.join('\n');
}

function nextStep(report: ReviewRunReport): string {
  const recorded = report.reviewers.filter((o) => o.outcome === 'recorded');
  const revise = recorded.some((o) => o.outcome === 'recorded' && o.status === 'needs-revision');
  if (report.step === 'plan-review') {
    if (revise) return 'next: revise the plan and register it (wf plan), then: wf review run --step plan-review   (--resume continues the same sessions)';
    return report.taskStep === 'implement' ? 'next: write the code, git add it, then: wf test' : 'next: wf status';
  }
  if (revise) return 'next: address the findings, git add, wf test, then: wf review run   (--resume continues the same sessions)';
  if (report.taskStep === 'commit') return 'next: wf commit -m <message>';
  return 'next: more approvals are needed (review.minApprovals): wf review run --reviewer <another name>';
}

function renderReport(report: ReviewRunReport): string {
  const lines = [`${report.step} of task ${report.taskId} on ${report.fingerprint.slice(0, 12)}…:`];
  for (const o of report.reviewers) {
    if (o.outcome === 'recorded') {
      const resumed = o.resumedFrom ? ` (resumed ${o.resumedFrom})` : '';
      if (o.status === 'approved') lines.push(`  ✓ ${o.reviewer}: APPROVED, recorded as ${o.reviewer}:${o.continuationId}${resumed}`);
      else {
        lines.push(`  ! ${o.reviewer}: NEEDS REVISION, recorded as ${o.reviewer}:${o.continuationId}${resumed}; the task went back to ${o.taskStep}. Findings:`);
        lines.push(indent(o.notes.split('\n').slice(-15).join('\n')));
      }
    } else if (o.outcome === 'failed') {
      lines.push(`  ✗ ${o.reviewer}: ${o.failure}, nothing recorded (details below)`);
    } else {
      lines.push(`  - ${o.reviewer}: ${o.message}`);
    }
  }
  lines.push(`task ${report.taskId} is at step ${report.taskStep}`);
  if (report.reviewers.some((o) => o.outcome === 'recorded')) lines.push(nextStep(report));
  return lines.join('\n');
}
