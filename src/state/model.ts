import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentError, usageError } from '../errors/index.js';
import type { Step } from '../workflow/index.js';

/**
 * Types and the dependency-free reader of `.claude/task-state.json`. The zod
 * schema (state-schema.ts) is the source of truth for what a valid document
 * is; the git-hook fast path may not load zod, so it uses `findStateProblem`,
 * a structural check of what the gates read. test/unit/state.test.ts holds
 * both to the same corpus.
 */
export const STATE_FILE = '.claude/task-state.json';
export const SUBTASKS_DIR = '.claude/subtasks';
export const STATE_VERSION = 1;

export type ReviewStep = 'plan-review' | 'review';
export type ReviewStatus = 'approved' | 'needs-revision';

export interface PlanArtifact {
  path: string;
  /** SHA-256 of the plan's bytes when registered: a plan edited after its review needs a new one. */
  digest: string;
  registeredAt: string;
}

export interface TodoItem {
  text: string;
  done: boolean;
  createdAt: string;
  doneAt?: string | undefined;
}

export interface TestRecord {
  fingerprint: string;
  passed: boolean;
  exitCode: number | null;
  durationMs: number;
  command: string;
  at: string;
  timedOut?: boolean | undefined;
}

export interface ReviewRecord {
  step: ReviewStep;
  reviewer: string;
  continuationId: string;
  status: ReviewStatus;
  /** For `review`: the staged fingerprint. For `plan-review`: the plan's digest. */
  fingerprint: string;
  at: string;
  notes?: string | undefined;
  /** The audit entry that records this review. */
  auditHash?: string | undefined;
  /** Path → new-side digest of the reviewed change (capped), to name what changed after review. */
  files?: Record<string, string> | undefined;
  /** `run`: wf started the reviewer and read the verdict itself (wf review run); `manual` or absent: typed in with wf record-review. */
  via?: ReviewVia | undefined;
}

export type ReviewVia = 'run' | 'manual';

export interface CommitRecord {
  sha: string;
  fingerprint: string;
  at: string;
}

export interface ContextRecord {
  used: number;
  limit: number;
  at: string;
}

export interface Task {
  id: string;
  title: string;
  parentId: string | null;
  childIds: string[];
  step: Step;
  status: 'active' | 'finished';
  progress: number;
  weight?: number | undefined;
  complex: boolean;
  plan: PlanArtifact | null;
  todos: TodoItem[];
  tests: TestRecord[];
  reviews: ReviewRecord[];
  commits: CommitRecord[];
  context: ContextRecord | null;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string | undefined;
}

export interface State {
  version: typeof STATE_VERSION;
  tasks: Record<string, Task>;
}

/** How many test and review records a task keeps: the gates only ever need recent ones. */
export const RECORD_HISTORY_LIMIT = 50;

export const emptyState = (): State => ({ version: STATE_VERSION, tasks: {} });

export function statePath(root: string): string {
  return join(root, STATE_FILE);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The state as written: one task per line. Compact, because every command reads the whole file
 * (10,000 tasks are 3.1 MB so, 4.6 MB indented, and reading and parsing scale with the bytes);
 * a line per task, so a person can still read it and a diff shows which tasks changed.
 */
export function serializeState(state: State): string {
  const { tasks, ...rest } = state;
  const head = JSON.stringify(rest);
  const lines = Object.keys(tasks).map((id) => `${JSON.stringify(id)}:${JSON.stringify(tasks[id])}`);
  return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"tasks":{${lines.length > 0 ? `\n${lines.join(',\n')}\n` : ''}}}\n`;
}

/** Structural check of what the gates read; the zod schema is stricter. */
export function findStateProblem(doc: unknown): string | null {
  if (!isObject(doc)) return 'the document must be a JSON object';
  if (doc.version !== STATE_VERSION) return `version must be ${STATE_VERSION}`;
  if (!isObject(doc.tasks)) return 'tasks must be an object';
  for (const [id, task] of Object.entries(doc.tasks)) {
    if (!isObject(task)) return `tasks.${id} must be an object`;
    if (task.id !== id) return `tasks.${id}.id must equal its key`;
    if (typeof task.step !== 'string') return `tasks.${id}.step must be a string`;
    // What the readers print and route on is checked as the writers' schema checks it.
    if (typeof task.title !== 'string') return `tasks.${id}.title must be a string`;
    if (task.parentId !== null && typeof task.parentId !== 'string') return `tasks.${id}.parentId must be a string or null`;
    if (task.status !== 'active' && task.status !== 'finished') return `tasks.${id}.status must be "active" or "finished"`;
    if (typeof task.progress !== 'number' || !Number.isFinite(task.progress)) return `tasks.${id}.progress must be a number`;
    if (task.plan !== null && task.plan !== undefined && (!isObject(task.plan) || typeof task.plan.path !== 'string' || typeof task.plan.digest !== 'string')) return `tasks.${id}.plan is malformed`;
    for (const list of ['childIds', 'todos', 'tests', 'reviews', 'commits'] as const) {
      if (!Array.isArray(task[list])) return `tasks.${id}.${list} must be an array`;
    }
    for (const [i, c] of (task.childIds as unknown[]).entries()) if (typeof c !== 'string') return `tasks.${id}.childIds[${i}] must be a string`;
    for (const [i, t] of (task.todos as unknown[]).entries()) if (!isObject(t) || typeof t.text !== 'string') return `tasks.${id}.todos[${i}] is malformed`;
    for (const [i, c] of (task.commits as unknown[]).entries()) if (!isObject(c) || typeof c.sha !== 'string' || typeof c.fingerprint !== 'string') return `tasks.${id}.commits[${i}] is malformed`;
    for (const [i, t] of (task.tests as unknown[]).entries()) {
      if (!isObject(t) || typeof t.fingerprint !== 'string' || typeof t.passed !== 'boolean') return `tasks.${id}.tests[${i}] is malformed`;
    }
    for (const [i, r] of (task.reviews as unknown[]).entries()) {
      if (!isObject(r) || typeof r.fingerprint !== 'string' || typeof r.reviewer !== 'string' || typeof r.status !== 'string' || (r.via !== undefined && r.via !== 'run' && r.via !== 'manual')) {
        return `tasks.${id}.reviews[${i}] is malformed`;
      }
    }
  }
  return null;
}

/** Parses state text, or throws exit 2 naming the file and the first problem (the file is left untouched). */
export function parseStateText(text: string, file: string, validate: (doc: unknown) => string | null = findStateProblem): State {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text); // a byte-order mark, as Windows editors save it
  } catch (err) {
    throw usageError(`the state file is not valid JSON: ${(err as Error).message}`, {
      where: file,
      hint: `wf will not overwrite it: fix it by hand, or move it away to start afresh (mv ${STATE_FILE} ${STATE_FILE}.bad), then: wf status`,
    });
  }
  const problem = validate(doc);
  if (problem) {
    throw usageError(`the state file is invalid: ${problem}`, {
      where: file,
      hint: `wf will not overwrite it: fix it by hand, or move it away to start afresh (mv ${STATE_FILE} ${STATE_FILE}.bad), then: wf status`,
    });
  }
  return doc as State;
}

/** Reads without a lock: writers replace the file by rename, so a reader sees the old or the new document. */
export function readStateFile(root: string, validate?: (doc: unknown) => string | null): State {
  return readStateDocument(root, validate).state;
}

/** The state and the text it was read from (null when there is no file yet), for a writer that rewrites only what changed. */
export function readStateDocument(root: string, validate?: (doc: unknown) => string | null): { state: State; text: string | null } {
  const file = statePath(root);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: emptyState(), text: null };
    throw environmentError(`the state file cannot be read (${code ?? (err as Error).message}${code === 'EISDIR' ? ': it is a folder' : ''})`, {
      where: file,
      hint: code === 'EISDIR' ? `move the folder away (mv ${STATE_FILE} ${STATE_FILE}.dir), then: wf status` : `check the file's permissions (ls -l ${STATE_FILE}), then: wf status`,
    });
  }
  return { state: parseStateText(text, file, validate), text };
}
