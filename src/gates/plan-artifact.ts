import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { refused, usageError } from '../errors/index.js';
import { planTemplate, sha256Hex, subtaskDir } from './evidence.js';
import { planProblem } from './plan-check.js';
import { SUBTASKS_DIR, assertTaskId } from '../state/index.js';

export type PreparedPlan = { kind: 'created'; path: string } | { kind: 'ready'; path: string; digest: string };

/** Repo-relative, forward slashes; refuses anything outside the work tree. */
export function repoRelative(root: string, file: string): string {
  const absolute = isAbsolute(file) ? file : resolve(process.cwd(), file);
  const realRoot = realpathSync(root);
  const realFile = existsSync(absolute) ? realpathSync(absolute) : absolute;
  const rel = relative(realRoot, realFile);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw usageError(`the plan file ${file} is outside the repository`, { where: file, hint: 'keep the plan inside the work tree, or omit --file to use .claude/subtasks/<id>/plan.md' });
  }
  return rel.split(sep).join('/');
}

/** Creates the default plan from the template, or checks that the plan is real and digests it. */
export function preparePlan(root: string, taskId: string, file: string | undefined, minWords: number): PreparedPlan {
  assertTaskId(taskId);
  let path: string;
  if (file === undefined) {
    path = `${SUBTASKS_DIR}/${taskId}/plan.md`;
    const absolute = join(root, path);
    if (!existsSync(absolute)) {
      mkdirSync(subtaskDir(root, taskId), { recursive: true });
      writeFileSync(absolute, planTemplate(), { flag: 'wx' });
      return { kind: 'created', path };
    }
  } else {
    path = repoRelative(root, file);
    if (!existsSync(join(root, path))) throw usageError(`the plan file ${file} does not exist`, { where: file, hint: 'write the plan there first, or omit --file' });
  }
  const bytes = readFileSync(join(root, path));
  const problem = planProblem(bytes.toString('utf8'), planTemplate(), minWords);
  if (problem) throw refused(`${path} is not a real plan yet: ${problem}`, { where: path, hint: `write the plan in ${path}, then run: wf plan --task-id ${taskId}` });
  // Subtask folders hold each task's artifacts; make sure this task has one even with --file.
  mkdirSync(subtaskDir(root, taskId), { recursive: true });
  return { kind: 'ready', path, digest: sha256Hex(bytes) };
}
