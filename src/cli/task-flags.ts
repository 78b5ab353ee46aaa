import { Flags } from '@oclif/core';

export const taskIdFlag = Flags.string({
  description: 'The task to act on (default: WF_TASK_ID, else the task named in the branch, else the single active task).',
  helpValue: '<id>',
});
