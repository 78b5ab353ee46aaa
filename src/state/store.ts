import { writeFileAtomic } from './atomic-write.js';
import { appendAuditEntriesLocked, type AuditEntry, type AuditEvent } from '../audit/index.js';
import { stateVerdict } from './verdict.js';
import { findStateProblem, readStateDocument, readStateFile, serializeState, statePath, type State } from './model.js';
import { withFileLock, type LockOptions } from './lock.js';
import { fileSystemError, isWfError } from '../errors/index.js';

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
  /**
   * Says the change left the state exactly as read, so it is not serialized to find that out (for
   * 10,000 tasks that is most of a no-op rollup's work). Only for a caller that knows: a change made
   * after saying so is not written.
   */
  unchanged(): void;
}

export interface StoreResult<T> {
  value: T;
  entries: AuditEntry[];
}

export function readState(root: string): State {
  return readStateFile(root);
}

export async function mutateStore<T>(root: string, change: (tx: StoreTransaction) => T | Promise<T>, options?: LockOptions): Promise<StoreResult<T>> {
  const file = statePath(root);
  return withFileLock(
    file,
    async (lock) => {
      // Read, validated as every reader validates, and changed in place: the text read is what
      // "unchanged" is compared with, so the state is neither cloned nor serialized twice, and the
      // check runs again only on a state that is written.
      const { state, text } = readStateDocument(root);
      const events: AuditEvent[] = [];
      let untouched = false;
      const value = await change({
        state,
        audit: (event) => events.push(event),
        unchanged: () => {
          untouched = true;
        },
      });
      const serialized = untouched ? text : serializeState(state);
      const changed = serialized !== text;
      const problem = changed ? findStateProblem(state) : null;
      if (problem) throw new Error(`wf produced an invalid state (${problem}); nothing was written`);
      lock.assertHeld();
      const logged = appendAuditEntriesLocked(root, events);
      if (changed) {
        try {
          writeFileAtomic(file, serialized!, { linkWithin: root });
          // Checked above: the next reader of these bytes need not check them again.
          stateVerdict(root, Buffer.from(serialized!)).record();
        } catch (err) {
          // The log must not record a change the state never took (a full disk, a link to nothing).
          logged.undo();
          throw isWfError(err) ? err : fileSystemError(err, 'write', file, 'nothing was changed');
        }
      }
      return { value, entries: logged.entries };
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
      return appendAuditEntriesLocked(root, [event]).entries[0]!;
    },
    options,
  );
}
