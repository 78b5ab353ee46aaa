import type { WfConfig } from '../config/index.js';
import { ExitCode, refused, WfError } from '../errors/index.js';
import { assertWorkTreeMatchesIndex, collectStagedChange, isConfiguredCommand, runTestCommand, type TestOutcome } from '../gates/index.js';
import type { Repo } from '../git/index.js';
import { mutateStore, type Task, type TestRecord } from '../state/index.js';
import { assertEventLegal, getTask, recordAdHocTestRun, recordTestRun } from '../tasks/index.js';

export interface TestStep {
  record: TestRecord;
  outcome: TestOutcome;
  /** The command was not the configured test command: audited, but it satisfies no gate. */
  adHoc: boolean;
}

/**
 * The tests step: run the test command on the staged change and record the
 * result bound to its fingerprint. The fingerprint is taken before and after
 * the run; if the index moved meanwhile, the result belongs to no code and
 * nothing is recorded. `wf test` and `wf ship` both come through here.
 */
export async function testStagedChange(input: { repo: Repo; config: WfConfig; task: Task; command?: string[] | undefined; onOutput?: ((chunk: string) => void) | undefined }): Promise<TestStep> {
  const { repo, config, task } = input;
  if (!config.steps.test) throw refused('steps.test is off in the config', { hint: 'wf status' });
  const adHoc = !isConfiguredCommand(config, input.command);
  // Refuse an illegal move before spending minutes on a test run; an ad-hoc run moves nothing.
  if (!adHoc) assertEventLegal(task, 'tests-passed', config);
  await assertWorkTreeMatchesIndex(repo);
  const before = await collectStagedChange(repo, config);
  if (before.files.size === 0) throw refused('nothing is staged, so there is no code to test', { hint: 'git add <files>, then: wf test' });
  const outcome = await runTestCommand(repo, config, input.command, input.onOutput ? { onOutput: input.onOutput } : {});
  if (outcome.interrupted) throw new WfError(ExitCode.Refused, 'the test run was interrupted; nothing was recorded', { hint: 'wf test' });
  const after = await collectStagedChange(repo, config);
  if (after.fingerprint !== before.fingerprint) {
    throw refused('the staged change moved while the tests ran, so the result belongs to no code; nothing was recorded', { hint: 'stop editing, then: wf test' });
  }
  const run = { fingerprint: before.fingerprint, passed: outcome.passed, exitCode: outcome.exitCode, durationMs: outcome.durationMs, command: outcome.command, timedOut: outcome.timedOut };
  if (adHoc) {
    await mutateStore(repo.root, (tx) => recordAdHocTestRun(tx, getTask(tx.state, task.id), run));
    return { record: { ...run, at: new Date().toISOString() }, outcome, adHoc };
  }
  const { value: record } = await mutateStore(repo.root, (tx) => recordTestRun(tx, getTask(tx.state, task.id), run, config));
  return { record, outcome, adHoc };
}
