import { STEPS } from '../workflow/index.js';
import { TASK_ID_PATTERN } from './task-id.js';

/**
 * The runtime check of `.claude/task-state.json`, exactly as strict as the zod
 * schema in schema.ts (test/unit/validators-agree.test.ts holds the two to the
 * same verdict on every field of a full document, mutated every way the
 * schema can refuse). Hand-written because every command and hook reads the
 * whole file: zod takes about 100 ms just to load and 40 ms to check 10,000
 * tasks, more than a node start-up each, where this takes a few milliseconds
 * and loads nothing. zod stays the published definition (`wf schema state`).
 */

/** A problem found below the root: the path is built only on the way out of a failure, so a valid document allocates none. */
interface Problem {
  path: Array<string | number>;
  message: string;
}
type Check = (value: unknown) => Problem | null;

const fail = (message: string): Problem => ({ path: [], message });
const at = (key: string | number, problem: Problem): Problem => {
  problem.path.unshift(key);
  return problem;
};
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const string: Check = (v) => (typeof v === 'string' ? null : fail('must be a string'));
const nonEmpty: Check = (v) => (typeof v === 'string' && v.length > 0 ? null : fail('must be a non-empty string'));
const boolean: Check = (v) => (typeof v === 'boolean' ? null : fail('must be true or false'));
const SHA256_HEX = /^[0-9a-f]{64}$/;
const sha256Hex: Check = (v) => (typeof v === 'string' && SHA256_HEX.test(v) ? null : fail('must be 64 lowercase hex digits'));
const COMMIT_SHA = /^[0-9a-f]{40,64}$/;
const commitSha: Check = (v) => (typeof v === 'string' && COMMIT_SHA.test(v) ? null : fail('must be a commit id (40 to 64 lowercase hex digits)'));
const taskId: Check = (v) => (typeof v === 'string' && TASK_ID_PATTERN.test(v) ? null : fail('must be a task id (1-64 characters from A-Z a-z 0-9 . _ -)'));
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const number = (ok: (n: number) => boolean, message: string): Check => (v) => (finite(v) && ok(v) ? null : fail(message));
const wholeNumber = (ok: (n: number) => boolean, message: string): Check => (v) => (Number.isSafeInteger(v) && ok(v as number) ? null : fail(message));
const oneOf = (...values: readonly string[]): Check => {
  const message = `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
  return (v) => (typeof v === 'string' && values.includes(v) ? null : fail(message));
};
const nullable = (check: Check): Check => (v) => (v === null ? null : check(v));
const arrayOf = (check: Check): Check => (v) => {
  if (!Array.isArray(v)) return fail('must be an array');
  for (let i = 0; i < v.length; i++) {
    const problem = check(v[i]);
    if (problem) return at(i, problem);
  }
  return null;
};
const recordOf = (check: Check): Check => (v) => {
  if (!isPlainObject(v)) return fail('must be an object');
  for (const key of Object.keys(v)) {
    const problem = check(v[key]);
    if (problem) return at(key, problem);
  }
  return null;
};

/** Keys of a strict object; an optional key may be absent or undefined (a writer clearing a field), a required one may not. */
type Field = { check: Check; optional?: true };
const optional = (check: Check): Field => ({ check, optional: true });
const required = (check: Check): Field => ({ check });
const strictObject = (shape: Record<string, Field>): Check => {
  // One pass over the value's own keys against a prototype-free table: a document holds thousands
  // of these objects, and this runs cold, once per process.
  const fields: Record<string, Field> = Object.assign(Object.create(null), shape);
  const requiredKeys = Object.keys(shape).filter((key) => !shape[key]!.optional);
  return (v) => {
    if (!isPlainObject(v)) return fail('must be an object');
    let requiredSeen = 0;
    for (const key in v) {
      if (!Object.hasOwn(v, key)) continue;
      const field = fields[key];
      if (field === undefined) return fail(`has an unknown key ${JSON.stringify(key)}`);
      const value = v[key];
      if (value === undefined) {
        if (field.optional) continue;
        return at(key, fail('is missing'));
      }
      if (!field.optional) requiredSeen++;
      const problem = field.check(value);
      if (problem) return at(key, problem);
    }
    if (requiredSeen < requiredKeys.length) {
      for (const key of requiredKeys) if (!Object.hasOwn(v, key)) return at(key, fail('is missing'));
    }
    return null;
  };
};

const isoTime = nonEmpty;

const TASK_SHAPE: Record<string, Field> = {
  id: required(taskId),
  title: required(string),
  parentId: required(nullable(taskId)),
  childIds: required(arrayOf(taskId)),
  step: required(oneOf(...STEPS)),
  status: required(oneOf('active', 'finished')),
  progress: required(number((n) => n >= 0 && n <= 1, 'must be a number from 0 to 1')),
  weight: optional(number((n) => n > 0, 'must be a number above 0')),
  complex: required(boolean),
  plan: required(nullable(strictObject({ path: required(nonEmpty), digest: required(sha256Hex), registeredAt: required(isoTime) }))),
  todos: required(arrayOf(strictObject({ text: required(nonEmpty), done: required(boolean), createdAt: required(isoTime), doneAt: optional(isoTime) }))),
  tests: required(
    arrayOf(
      strictObject({
        fingerprint: required(sha256Hex),
        passed: required(boolean),
        exitCode: required(nullable(wholeNumber(() => true, 'must be a whole number or null'))),
        durationMs: required(number((n) => n >= 0, 'must be a number of at least 0')),
        command: required(string),
        at: required(isoTime),
        timedOut: optional(boolean),
      }),
    ),
  ),
  reviews: required(
    arrayOf(
      strictObject({
        step: required(oneOf('plan-review', 'review')),
        reviewer: required(nonEmpty),
        continuationId: required(nonEmpty),
        status: required(oneOf('approved', 'needs-revision')),
        fingerprint: required(sha256Hex),
        at: required(isoTime),
        notes: optional(string),
        auditHash: optional(sha256Hex),
        files: optional(recordOf(sha256Hex)),
        via: optional(oneOf('run', 'manual')),
      }),
    ),
  ),
  commits: required(arrayOf(strictObject({ sha: required(commitSha), fingerprint: required(sha256Hex), at: required(isoTime) }))),
  context: required(
    nullable(
      strictObject({
        used: required(wholeNumber((n) => n >= 0, 'must be a whole number of at least 0')),
        limit: required(wholeNumber((n) => n > 0, 'must be a whole number above 0')),
        at: required(isoTime),
      }),
    ),
  ),
  createdAt: required(isoTime),
  updatedAt: required(isoTime),
  finishedAt: optional(isoTime),
};
const task = strictObject(TASK_SHAPE);
const taskField = (key: string): Check => TASK_SHAPE[key]!.check;

const planCheck = taskField('plan');
const contextCheck = taskField('context');
const [todosCheck, testsCheck, reviewsCheck, commitsCheck] = (['todos', 'tests', 'reviews', 'commits'] as const).map(taskField) as [Check, Check, Check, Check];
const STEP_NAMES: ReadonlySet<unknown> = new Set(STEPS);
const REQUIRED_TASK_KEYS = 16;
const emptyOr = (v: unknown, check: Check): boolean => Array.isArray(v) && (v.length === 0 || check(v) === null);

/**
 * The same verdict as `task` for a whole task, as straight-line code: a state holds thousands of tasks
 * and is read cold by every hook and command, where the generic checks above cost about three times as
 * much. It only says yes or no; on no, `task` finds and words the problem.
 */
function isWellFormedTask(t: unknown): boolean {
  if (!isPlainObject(t)) return false;
  let keys = REQUIRED_TASK_KEYS;
  if (Object.hasOwn(t, 'weight')) {
    keys++;
    if (t.weight !== undefined && !(finite(t.weight) && t.weight > 0)) return false;
  }
  if (Object.hasOwn(t, 'finishedAt')) {
    keys++;
    if (t.finishedAt !== undefined && !(typeof t.finishedAt === 'string' && t.finishedAt.length > 0)) return false;
  }
  if (Object.keys(t).length !== keys) return false;
  if (typeof t.id !== 'string' || !TASK_ID_PATTERN.test(t.id) || typeof t.title !== 'string') return false;
  if (t.parentId !== null && (typeof t.parentId !== 'string' || !TASK_ID_PATTERN.test(t.parentId))) return false;
  if (!Array.isArray(t.childIds)) return false;
  for (const c of t.childIds) if (typeof c !== 'string' || !TASK_ID_PATTERN.test(c)) return false;
  if (!STEP_NAMES.has(t.step) || (t.status !== 'active' && t.status !== 'finished')) return false;
  if (!finite(t.progress) || t.progress < 0 || t.progress > 1 || typeof t.complex !== 'boolean') return false;
  if (planCheck(t.plan) !== null) return false;
  if (!emptyOr(t.todos, todosCheck) || !emptyOr(t.tests, testsCheck) || !emptyOr(t.reviews, reviewsCheck) || !emptyOr(t.commits, commitsCheck)) return false;
  if (contextCheck(t.context) !== null) return false;
  return typeof t.createdAt === 'string' && t.createdAt.length > 0 && typeof t.updatedAt === 'string' && t.updatedAt.length > 0;
}

/** The tree's links, once every task is well-formed: ids match their keys, parents exist, children point back. */
function findLinkProblem(tasks: Record<string, Record<string, unknown>>): Problem | null {
  const problem = (key: string, field: string, message: string) => ({ path: ['tasks', key, field], message });
  for (const key of Object.keys(tasks)) {
    const t = tasks[key]!;
    if (t.id !== key) return problem(key, 'id', 'must equal its key');
    const parentId = t.parentId as string | null;
    if (parentId !== null && !Object.hasOwn(tasks, parentId)) return problem(key, 'parentId', `names a missing task ${parentId}`);
    for (const child of t.childIds as string[]) {
      if (!Object.hasOwn(tasks, child) || tasks[child]!.parentId !== key) return problem(key, 'childIds', `child ${child} is missing or names another parent`);
    }
  }
  return null;
}

export function findStateDocumentProblem(doc: unknown, version: number): string | null {
  const problem = findProblem(doc, version);
  if (!problem) return null;
  return problem.path.length === 0 ? `the document ${problem.message}` : `${problem.path.join('.')} ${problem.message}`;
}

function findProblem(doc: unknown, version: number): Problem | null {
  if (!isPlainObject(doc)) return fail('must be a JSON object');
  for (const key of Object.keys(doc)) if (key !== '$schema' && key !== 'version' && key !== 'tasks') return fail(`has an unknown key ${JSON.stringify(key)}`);
  if (doc.$schema !== undefined && typeof doc.$schema !== 'string') return at('$schema', fail('must be a string'));
  if (doc.version !== version) return at('version', fail(`must be ${version}`));
  const tasks = recordOf((t) => (isWellFormedTask(t) ? null : (task(t) ?? fail('is malformed'))))(doc.tasks);
  if (tasks) return at('tasks', tasks);
  return findLinkProblem(doc.tasks as Record<string, Record<string, unknown>>);
}
