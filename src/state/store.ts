import { existsSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';
import { appendAuditEntriesLocked, type AuditEntry, type AuditEvent } from '../audit/index.js';
import { findStateSchemaProblem } from './schema.js';
import { readStateFile, statePath, type State } from './model.js';
import { withFileLock, type LockOptions } from './lock.js';

/**
 * The state store: every change is lock → re-read → change → append audit →
 * write temp → fsync → rename. Audit entries go out before the state, so a
 * crash between the two leaves a logged event the state does not count (the
 * gates fail closed), never a counted event the log lacks.
 */
export interface StoreTransaction {
  state: State;
  /** Queue an audit entry; it is written before the new state. */
  audit(event: AuditEvent): void;
}

export interface StoreResult<T> {
  value: T;
  entries: AuditEntry[];
}

export function readState(root: string): State {
  return readStateFile(root, findStateSchemaProblem);
}

export async function mutateStore<T>(root: string, change: (tx: StoreTransaction) => T | Promise<T>, options?: LockOptions): Promise<StoreResult<T>> {
  const file = statePath(root);
  return withFileLock(
    file,
    async (lock) => {
      const existed = existsSync(file);
      const before = readState(root);
      const serializedBefore = JSON.stringify(before);
      const events: AuditEvent[] = [];
      const state = structuredClone(before);
      const value = await change({ state, audit: (event) => events.push(event) });
      const problem = findStateSchemaProblem(state);
      if (problem) throw new Error(`wf produced an invalid state (${problem}); nothing was written`);
      lock.assertHeld();
      const entries = appendAuditEntriesLocked(root, events);
      const serialized = JSON.stringify(state, null, 2);
      if (!existed || JSON.stringify(state) !== serializedBefore) writeFileAtomic(file, `${serialized}\n`);
      return { value, entries };
    },
    options,
  );
}

/** An audit entry with no state change (for example `commit made` seen by a hook). */
export async function appendAuditEntry(root: string, event: AuditEvent, options?: LockOptions): Promise<AuditEntry> {
  const file = statePath(root);
  return withFileLock(
    file,
    (lock) => {
      lock.assertHeld();
      return appendAuditEntriesLocked(root, [event])[0]!;
    },
    options,
  );
}
