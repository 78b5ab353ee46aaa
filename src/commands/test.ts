import { WfCommand } from '../cli/base-command.js';
import { taskIdFlag } from '../cli/task-flags.js';
import { openTaskContext } from '../cli/task-context.js';
import { collectStagedChange, assertWorkTreeMatchesIndex, runTestCommand, reviewCommand } from '../gates/index.js';
import { mutateStore } from '../state/index.js';
import { assertEventLegal, getTask, recordTestRun } from '../tasks/index.js';
import { refused, WfError, ExitCode } from '../errors/index.js';

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
    if (!config.steps.test) throw refused('steps.test is off in the config', { hint: 'wf status' });
    // Refuse an illegal move before spending minutes on a test run.
    assertEventLegal(task, 'tests-passed', config);
    await assertWorkTreeMatchesIndex(repo);
    const before = await collectStagedChange(repo, config);
    if (before.files.size === 0) throw refused('nothing is staged, so there is no code to test', { hint: 'git add <files>, then: wf test' });
    process.stderr.write(`wf: running tests for task ${task.id} on ${before.fingerprint.slice(0, 12)}…\n`);
    const outcome = await runTestCommand(repo, config, rest.length > 0 ? rest : undefined);
    if (outcome.interrupted) {
      throw new WfError(ExitCode.Refused, 'the test run was interrupted; nothing was recorded', { hint: 'wf test' });
    }
    const after = await collectStagedChange(repo, config);
    if (after.fingerprint !== before.fingerprint) {
      throw refused('the staged change moved while the tests ran, so the result belongs to no code; nothing was recorded', { hint: 'stop editing, then: wf test' });
    }
    const { value: record } = await mutateStore(repo.root, (tx) =>
      recordTestRun(tx, getTask(tx.state, task.id), { fingerprint: before.fingerprint, passed: outcome.passed, exitCode: outcome.exitCode, durationMs: outcome.durationMs, command: outcome.command, timedOut: outcome.timedOut }, config),
    );
    this.report(flags.json, { taskId: task.id, ...record }, () =>
      outcome.passed
        ? `tests passed (${Math.round(outcome.durationMs)} ms), recorded for ${before.fingerprint.slice(0, 12)}…\n  next: ${reviewCommand(config, 'review')}`
        : `tests ${outcome.timedOut ? `timed out after ${config.test.timeoutSeconds} s` : `failed (exit ${outcome.exitCode})`}; recorded`,
    );
    if (!outcome.passed) {
      throw refused(outcome.timedOut ? `the tests timed out after ${config.test.timeoutSeconds} s` : `the tests failed (exit ${outcome.exitCode})`, {
        hint: 'fix the code, git add it, then: wf test',
      });
    }
  }
}
