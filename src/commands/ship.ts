import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { taskIdFlag } from '../cli/task-flags.js';
import { ExitCode, WfError } from '../errors/index.js';
import { ship, type ShipReport } from '../ship/index.js';

export default class Ship extends WfCommand {
  static override summary = 'From the staged change, run what the evidence still needs (tests, reviewers) and commit through the gates.';
  static override description =
    'Runs the configured tests unless a passing run on this exact fingerprint exists, then the configured reviewers that have not approved it yet, then commits with the trailers (the message defaults to the task title). It stops at the first thing that fails (failing tests with their output, a NEEDS_REVISION with its findings, a missing plan approval, a complex task with no todo) and ends with the single next action. On a task at plan-review it runs the plan reviewers. Exit 0: committed (or the plan approved); 1: a gate, the tests or a reviewer refused.';
  static override examples = ['<%= config.bin %> ship', '<%= config.bin %> ship -m "Rate-limit the login endpoint"', '<%= config.bin %> ship --json'];
  static override flags = {
    'task-id': taskIdFlag,
    message: Flags.string({ char: 'm', description: 'The commit message (default: the task title).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Ship);
    const report = await ship({
      taskId: flags['task-id'],
      message: flags.message,
      onProgress: (line) => process.stderr.write(`${line}\n`),
      // The tests' output goes to stderr, so --json keeps stdout for the report.
      onOutput: (chunk) => process.stderr.write(chunk),
    });
    this.report(flags.json, report, () => render(report));
    if (report.exitCode !== 0) {
      throw new WfError(ExitCode.Refused, `wf ship stopped for task ${report.taskId}: ${report.stages.at(-1)?.detail ?? report.next.reason}`, { hint: report.next.command ?? report.next.reason, reported: true });
    }
  }
}

function render(report: ShipReport): string {
  const mark = { passed: '✓', skipped: '·', failed: '✗', 'needs-revision': '✗' } as const;
  const lines = report.stages.map((s) => `${mark[s.status]} ${s.stage}: ${s.detail}${s.output ? `\n${s.output.split('\n').map((l) => `    ${l}`).join('\n')}` : ''}`);
  if (report.committed) lines.push(`committed ${report.commit!.slice(0, 12)} for task ${report.taskId}`);
  lines.push(`next: ${report.next.command ?? '(an edit)'}`, `  why: ${report.next.reason}`);
  if (report.next.findings && !report.stages.some((s) => s.output?.includes(report.next.findings!))) lines.push('  findings:', ...report.next.findings.split('\n').map((l) => `    ${l}`));
  return lines.join('\n');
}
