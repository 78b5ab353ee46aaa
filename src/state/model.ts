import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentError, usageError } from '../errors/index.js';
import type { Step } from '../workflow/index.js';
import { findStateDocumentProblem } from './validate.js';
import { stateVerdict } from './verdict.js';

/**
 * Types and the dependency-free reader of `.claude/task-state.json`. The zod
 * schema (schema.ts) is the published definition of a valid document; every
 * reader and writer checks with validate.ts, which is held to the same
 * verdicts (test/unit/validators-agree.test.ts) and loads nothing.
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

/** The first problem in a state document, as strict as the zod schema and dependency-free (validate.ts says why). */
export function findStateProblem(doc: unknown): string | null {
  return findStateDocumentProblem(doc, STATE_VERSION);
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: emptyState(), text: null };
    throw environmentError(`the state file cannot be read (${code ?? (err as Error).message}${code === 'EISDIR' ? ': it is a folder' : ''})`, {
      where: file,
      hint: code === 'EISDIR' ? `move the folder away (mv ${STATE_FILE} ${STATE_FILE}.dir), then: wf status` : `check the file's permissions (ls -l ${STATE_FILE}), then: wf status`,
    });
  }
  // A caller's own check always runs; wf's runs unless these very bytes passed it before.
  const verdict = validate === undefined ? stateVerdict(root, bytes) : null;
  const text = bytes.toString('utf8');
  const state = parseStateText(text, file, verdict?.known ? () => null : validate);
  verdict?.record();
  return { state, text };
}
