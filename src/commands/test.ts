import { WfCommand } from '../cli/base-command.js';
import { taskIdFlag } from '../cli/task-flags.js';
import { openTaskContext } from '../cli/task-context.js';
import { describeCommand, reviewCommand } from '../gates/index.js';
import { testStagedChange } from '../ship/index.js';
import { refused } from '../errors/index.js';

export default class Test extends WfCommand {
  static override summary = 'Run the tests and record the result against the staged fingerprint.';
  static override description =
    'wf runs the configured test command (test.command) itself, or the command after `--`, streams its output, and records pass/fail, exit code and duration bound to the fingerprint of the staged change. Nobody can report a result on wf\'s behalf. Ctrl-C records nothing.';
  static override examples = ['<%= config.bin %> test', '<%= config.bin %> test -- npx vitest run test/unit'];
  static override strict = false;
  static override flags = { 'task-id': taskIdFlag };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Test);
    const rest = (argv as string[]).filter((a) => a !== '--');
    const { repo, config, resolution } = await openTaskContext(flags['task-id']);
    const task = resolution.task;
    process.stderr.write(`wf: running tests for task ${task.id}…\n`);
    const { record, outcome, adHoc } = await testStagedChange({ repo, config, task, command: rest.length > 0 ? rest : undefined });
    const configured = describeCommand(config.test.command);
    if (adHoc) {
      // Not the configured command: it proves only what it checks, so it satisfies no gate, pass or fail.
      this.report(flags.json, { taskId: task.id, adHoc: true, counts: false, configured, ...record }, () =>
        [
          `ad-hoc run of ${outcome.command} ${outcome.passed ? 'passed' : outcome.timedOut ? 'timed out' : `failed (exit ${outcome.exitCode})`} (${Math.round(outcome.durationMs)} ms, in ${outcome.directory}); logged, but it does not count for the tests gate: only the configured test.command (${configured}) does`,
          `  next: wf test`,
        ].join('\n'),
      );
      return;
    }
    this.report(flags.json, { taskId: task.id, adHoc: false, counts: true, ...record }, () =>
      outcome.passed
        ? `tests passed (${Math.round(outcome.durationMs)} ms), recorded for ${record.fingerprint.slice(0, 12)}…\n  next: ${reviewCommand(config, 'review')}`
        : `tests ${outcome.timedOut ? `timed out after ${config.test.timeoutSeconds} s` : `failed (exit ${outcome.exitCode})`}; recorded`,
    );
    if (!outcome.passed) {
      throw refused(outcome.timedOut ? `the tests timed out after ${config.test.timeoutSeconds} s` : `the tests failed (exit ${outcome.exitCode})`, {
        hint: `fix the code, git add it, then: wf test (the tests ran ${configured} in ${outcome.directory})`,
      });
    }
  }
}
