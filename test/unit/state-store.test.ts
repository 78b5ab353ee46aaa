import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditPath, parseAuditEntries, readAuditText, verifyAuditLog } from '../../src/audit/log.js';
import { DEFAULT_CONFIG } from '../../src/config/reader.js';
import { ExitCode, WfError } from '../../src/errors/index.js';
import { findStateSchemaProblem } from '../../src/state/schema.js';
import { emptyState, serializeState, statePath } from '../../src/state/model.js';
import { mutateStore, readState } from '../../src/state/store.js';
import { addTodo, startTask } from '../../src/tasks/operations.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-store-'));
  dirs.push(dir);
  return dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const config = structuredClone(DEFAULT_CONFIG);
const start = (root: string, id: string) => mutateStore(root, (tx) => startTask(tx, { id }, config));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

/** Everything in .claude except nothing: lists files and folders so leftovers (temp files, lock dirs) show. */
const claudeDir = (root: string) => readdirSync(join(root, '.claude')).sort();

describe('mutateStore', () => {
  it('creates the state file (valid, version 1) on a first call even when nothing changes', async () => {
    const root = tempRoot();
    expect(existsSync(statePath(root))).toBe(false);
    const result = await mutateStore(root, () => 42);
    expect(result).toEqual({ value: 42, entries: [] });
    const doc = JSON.parse(readFileSync(statePath(root), 'utf8'));
    expect(doc).toEqual(emptyState());
    expect(findStateSchemaProblem(doc)).toBeNull();
    // No audit entries queued: no audit file.
    expect(existsSync(auditPath(root))).toBe(false);
  });

  it('writes the changed state and its audit entries, and returns the entries', async () => {
    const root = tempRoot();
    const { value, entries } = await start(root, 'T-1');
    expect(value.id).toBe('T-1');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ seq: 1, event: 'task-started', taskId: 'T-1' });
    expect(Object.keys(readState(root).tasks)).toEqual(['T-1']);
    expect(parseAuditEntries(readAuditText(root))).toEqual(entries);
    expect(verifyAuditLog(readAuditText(root)).ok).toBe(true);
  });

  it('re-reads the state inside the lock: a change made on disk after an earlier call is seen', async () => {
    const root = tempRoot();
    await start(root, 'T-1');
    // Another writer (here: by hand) adds a task between two calls.
    const doc = JSON.parse(readFileSync(statePath(root), 'utf8'));
    doc.tasks['T-2'] = { ...doc.tasks['T-1'], id: 'T-2', title: 'added on disk' };
    writeFileSync(statePath(root), JSON.stringify(doc));
    const seen = await mutateStore(root, (tx) => Object.keys(tx.state.tasks).sort());
    expect(seen.value).toEqual(['T-1', 'T-2']);
    await start(root, 'T-3');
    expect(Object.keys(readState(root).tasks).sort()).toEqual(['T-1', 'T-2', 'T-3']);
  });

  it('serialises overlapping calls: slow concurrent changes lose no update', async () => {
    const root = tempRoot();
    await start(root, 'base');
    const ids = ['A-1', 'A-2', 'A-3', 'A-4'];
    const order: string[] = [];
    await Promise.all(
      ids.map((id) =>
        mutateStore(root, async (tx) => {
          order.push(`in:${id}`);
          await sleep(40);
          const task = tx.state.tasks.base!;
          addTodo(tx, task, `todo from ${id}`);
          startTask(tx, { id }, config);
          order.push(`out:${id}`);
        }),
      ),
    );
    const state = readState(root);
    expect(Object.keys(state.tasks).sort()).toEqual(['A-1', 'A-2', 'A-3', 'A-4', 'base']);
    expect(state.tasks.base!.todos.map((t) => t.text).sort()).toEqual(ids.map((id) => `todo from ${id}`));
    // Never two change functions inside the lock at once.
    for (let i = 0; i < order.length; i += 2) {
      expect(order[i]!.startsWith('in:')).toBe(true);
      expect(order[i + 1]).toBe(`out:${order[i]!.slice(3)}`);
    }
    const audit = verifyAuditLog(readAuditText(root));
    expect(audit).toMatchObject({ ok: true, entries: 1 + ids.length * 2 });
  });

  it.each([
    ['malformed JSON', '{"version": 1, "tasks": {'],
    ['an empty file', ''],
    ['a schema-invalid document (unknown key)', '{"version":1,"tasks":{},"extra":true}\n'],
    ['a schema-invalid document (wrong version)', '{"version":2,"tasks":{}}\n'],
    ['a schema-invalid task', '{"version":1,"tasks":{"T-1":{"id":"T-1","step":"plan"}}}\n'],
  ])('never overwrites %s: exit 2 naming the file, bytes untouched, no audit entry', async (_name, content) => {
    const root = tempRoot();
    mkdirSync(join(root, '.claude'), { recursive: true });
    writeFileSync(statePath(root), content);
    const before = readFileSync(statePath(root));
    let ran = false;
    const err = await rejection(
      mutateStore(root, (tx) => {
        ran = true;
        tx.state.tasks = {};
        tx.audit({ event: 'should-not-appear' });
      }),
    );
    expect(err).toBeInstanceOf(WfError);
    expect((err as WfError).exitCode).toBe(ExitCode.Usage);
    expect((err as WfError).exitCode).toBe(2);
    expect((err as WfError).where).toBe(statePath(root));
    expect((err as WfError).message).toMatch(/state file is (not valid JSON|invalid)/);
    // The change may run on a document only the schema refuses (it is read with the readers' validator),
    // but nothing it did is written or logged.
    if (!content.startsWith('{"version"')) expect(ran).toBe(false);
    expect(readFileSync(statePath(root)).equals(before)).toBe(true);
    expect(existsSync(auditPath(root))).toBe(false);
    // readState refuses it the same way, and the lock was released.
    expect(() => readState(root)).toThrow(WfError);
    expect(claudeDir(root)).toEqual(['task-state.json']);
  });

  it('the atomic write leaves no temp files or lock folder behind', async () => {
    const root = tempRoot();
    for (let i = 0; i < 5; i++) await start(root, `T-${i}`);
    await mutateStore(root, (tx) => addTodo(tx, tx.state.tasks['T-0']!, 'one more'));
    expect(claudeDir(root)).toEqual(['task-state.json', 'workflow-audit.log']);
    expect(readFileSync(statePath(root), 'utf8').endsWith('}\n')).toBe(true);
    expect(Object.keys(readState(root).tasks)).toHaveLength(5);
  });

  it('does not rewrite an unchanged state (an audit-only transaction keeps the same file)', async () => {
    const root = tempRoot();
    await start(root, 'T-1');
    const before = statSync(statePath(root));
    const bytes = readFileSync(statePath(root));
    await mutateStore(root, (tx) => tx.audit({ event: 'observed', taskId: 'T-1' }));
    const after = statSync(statePath(root));
    expect(after.ino).toBe(before.ino); // a rewrite renames a new inode into place
    expect(readFileSync(statePath(root)).equals(bytes)).toBe(true);
    expect(verifyAuditLog(readAuditText(root)).entries).toBe(2);
  });

  it('a change function that throws writes nothing: state and audit untouched, lock released', async () => {
    const root = tempRoot();
    await start(root, 'T-1');
    const stateBefore = readFileSync(statePath(root));
    const auditBefore = readFileSync(auditPath(root));
    const boom = new Error('boom inside the change');
    const err = await rejection(
      mutateStore(root, (tx) => {
        startTask(tx, { id: 'T-2' }, config); // mutates the draft and queues an audit entry...
        throw boom; // ...then fails
      }),
    );
    expect(err).toBe(boom);
    expect(readFileSync(statePath(root)).equals(stateBefore)).toBe(true);
    expect(readFileSync(auditPath(root)).equals(auditBefore)).toBe(true);
    expect(claudeDir(root)).toEqual(['task-state.json', 'workflow-audit.log']);
    // An async rejection behaves the same.
    const err2 = await rejection(
      mutateStore(root, async (tx) => {
        addTodo(tx, tx.state.tasks['T-1']!, 'never saved');
        await sleep(5);
        throw new WfError(ExitCode.Refused, 'refused late');
      }),
    );
    expect((err2 as WfError).exitCode).toBe(ExitCode.Refused);
    expect(readFileSync(statePath(root)).equals(stateBefore)).toBe(true);
    expect(readFileSync(auditPath(root)).equals(auditBefore)).toBe(true);
    // The lock is free again: the next call goes through at once.
    const t0 = Date.now();
    await start(root, 'T-3');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(Object.keys(readState(root).tasks).sort()).toEqual(['T-1', 'T-3']);
  });

  it('a change that produces a schema-invalid state writes nothing', async () => {
    const root = tempRoot();
    await start(root, 'T-1');
    const stateBefore = readFileSync(statePath(root));
    const auditBefore = readFileSync(auditPath(root));
    const err = await rejection(
      mutateStore(root, (tx) => {
        tx.state.tasks['T-1']!.progress = 7; // out of [0, 1]
        tx.audit({ event: 'progress-set', taskId: 'T-1' });
      }),
    );
    expect((err as Error).message).toMatch(/invalid state.*nothing was written/);
    expect(readFileSync(statePath(root)).equals(stateBefore)).toBe(true);
    expect(readFileSync(auditPath(root)).equals(auditBefore)).toBe(true);
  });
});

describe('the state as written', () => {
  it('is one task per line, parses back to the same state, and is stable', () => {
    const state = emptyState();
    expect(serializeState(state)).toBe('{"version":1,"tasks":{}}\n');
    const at = '2026-01-01T00:00:00.000Z';
    for (const id of ['T-1', 'T-1.a', 'weird "id"\nwith a newline']) {
      state.tasks[id] = { id, title: `title of ${id}, with "quotes" and\na newline`, parentId: null, childIds: [], step: 'plan', status: 'active', progress: 0, complex: false, plan: null, todos: [], tests: [], reviews: [], commits: [], context: null, createdAt: at, updatedAt: at } as never;
    }
    const text = serializeState(state);
    expect(JSON.parse(text)).toEqual(state);
    expect(Object.keys(JSON.parse(text))).toEqual(['version', 'tasks']);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2 + Object.keys(state.tasks).length);
    expect(serializeState(JSON.parse(text))).toBe(text);
  });
});
