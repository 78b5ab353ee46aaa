import { usageError } from '../errors/index.js';

/** Ids become folder names under `.claude/subtasks/`, so they are checked before any path is built. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isValidTaskId(id: string): boolean {
  return TASK_ID_PATTERN.test(id) && id !== '.' && id !== '..';
}

export function assertTaskId(id: string, where = 'task id'): string {
  if (!isValidTaskId(id)) {
    throw usageError(`invalid ${where} ${JSON.stringify(id)}: use 1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit`, {
      hint: 'wf task start <id>   (for example: wf task start PROJ-12)',
    });
  }
  return id;
}
