import { Flags } from '@oclif/core';
import { WfCommand } from '../cli/base-command.js';
import { taskIdFlag } from '../cli/task-flags.js';
import { recordReviewForTask } from '../review/index.js';

export default class RecordReview extends WfCommand {
  static override summary = 'Record a review verdict, bound to the staged fingerprint (review) or the plan digest (plan-review).';
  static override description =
    'The continuation id must name the real reviewer session: placeholders (empty, short, "test-123", "<id>", 12345678, the nil UUID, …) are refused with exit 2 and nothing is written.';
  static override examples = [
    '<%= config.bin %> record-review --step plan-review --reviewer gemini --continuation-id 3f2b8c1e-9a4d-4e7b-8c21-5d9e0f6a7b13 --status approved',
    '<%= config.bin %> record-review --reviewer codex --continuation-id thread_01J9ZK3V6QW8E2R4 --status needs-revision --notes "missing error path"',
  ];
  static override flags = {
    'task-id': taskIdFlag,
    reviewer: Flags.string({ description: 'Who reviewed (a name like gemini-2.5-pro).', required: true }),
    'continuation-id': Flags.string({ description: "The reviewer's session/continuation id.", required: true }),
    status: Flags.string({ description: 'The verdict.', options: ['approved', 'needs-revision'], required: true }),
    step: Flags.string({ description: 'Which review (default: plan-review while the task is at plan-review, else review).', options: ['plan-review', 'review'] }),
    notes: Flags.string({ description: 'Findings (secrets are redacted before they are written).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(RecordReview);
    const result = await recordReviewForTask({
      taskId: flags['task-id'],
      step: flags.step as 'plan-review' | 'review' | undefined,
      reviewer: flags.reviewer,
      continuationId: flags['continuation-id'],
      status: flags.status as 'approved' | 'needs-revision',
      notes: flags.notes,
    });
    this.report(flags.json, result, () => `recorded ${result.step} ${result.status} by ${result.reviewer} for task ${result.taskId} (bound to ${result.fingerprint.slice(0, 12)}…); step: ${result.taskStep}`);
  }
}
