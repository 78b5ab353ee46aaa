import { createHash } from 'node:crypto';
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync, fsyncSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExitCode, fileSystemError, WfError } from '../errors/index.js';
import { redactSecrets } from '../redaction/index.js';
import { plural } from '../text/index.js';

/**
 * `.claude/workflow-audit.log`: JSON Lines, one event a line, each entry
 * carrying the hash of the one before it and its own, so an edited,
 * reordered, inserted or deleted entry breaks the chain at a line that
 * `verifyAuditLog` names. Appends run under the store lock (see store.ts).
 */
export const GENESIS_HASH = '0'.repeat(64);
/** A line longer than this is refused: an audit log is for events, not payloads. */
export const MAX_ENTRY_BYTES = 16 * 1024;
const MAX_TEXT_FIELD = 4000;
/** Fields that are identifiers wf computed itself; everything else is free text and is redacted. */
const NOT_REDACTED = new Set(['time', 'event', 'fingerprint', 'prev', 'hash', 'seq', 'commit']);

export type AuditScalar = string | number | boolean | null;

export interface AuditEvent {
  event: string;
  taskId?: string;
  step?: string;
  actor?: string;
  reviewer?: string;
  continuationId?: string;
  status?: string;
  fingerprint?: string;
  commit?: string;
  details?: Record<string, AuditScalar>;
}

export interface AuditEntry extends AuditEvent {
  seq: number;
  time: string;
  prev: string;
  hash: string;
}

/** The hash-chained log, next to the state file; git-ignored like it. */
export const AUDIT_FILE = '.claude/workflow-audit.log';

export function auditPath(root: string): string {
  return join(root, AUDIT_FILE);
}

/** JSON with keys sorted at every level: the hash must not depend on how a writer ordered keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function entryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = entry;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

function cleanText(key: string, value: string): string {
  if (NOT_REDACTED.has(key)) return value;
  const redacted = redactSecrets(value);
  return redacted.length > MAX_TEXT_FIELD ? `${redacted.slice(0, MAX_TEXT_FIELD)}…[truncated]` : redacted;
}

/** Redacts and caps every free-text field of an event before it is hashed and written. */
export function sanitizeEvent(event: AuditEvent): AuditEvent {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (value === undefined) continue;
    if (key === 'details' && value && typeof value === 'object') {
      const details: Record<string, AuditScalar> = {};
      for (const [k, v] of Object.entries(value as Record<string, AuditScalar>)) {
        details[k] = typeof v === 'string' ? cleanText(k, v) : v;
      }
      out.details = details;
    } else {
      out[key] = typeof value === 'string' ? cleanText(key, value) : value;
    }
  }
  return out as unknown as AuditEvent;
}

export function buildEntry(event: AuditEvent, previous: { seq: number; hash: string } | null, time = new Date()): AuditEntry {
  const body = {
    seq: previous ? previous.seq + 1 : 1,
    time: time.toISOString(),
    ...sanitizeEvent(event),
    prev: previous ? previous.hash : GENESIS_HASH,
  };
  return { ...body, hash: entryHash(body) };
}

function readTail(fd: number, size: number, bytes: number): Buffer {
  const length = Math.min(size, bytes);
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buffer, read, length - read, size - length + read);
    if (n === 0) break;
    read += n;
  }
  return buffer.subarray(0, read);
}

/**
 * Appends entries; the caller holds the store lock. Each line goes out in one
 * write(2) and is fsynced, so a crash leaves at worst a torn last line, which
 * `verifyAuditLog` reports as such. A log that already ends torn is not
 * appended to: chaining past crash residue would hide it.
 */
export interface AuditAppend {
  entries: AuditEntry[];
  /** Takes the entries back out (the log cut to its size before them): the change they record did not happen. */
  undo(): void;
}

export function appendAuditEntriesLocked(root: string, events: AuditEvent[], time = new Date()): AuditAppend {
  if (events.length === 0) return { entries: [], undo: () => undefined };
  const file = auditPath(root);
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'a+');
  try {
    const size = fstatSync(fd).size;
    let previous: { seq: number; hash: string } | null = null;
    // A complete last entry missing only its newline (an editor stripped it) is closed off, not refused:
    // verifyAuditLog accepts it, so append must too.
    let prefix = '';
    if (size > 0) {
      const tail = readTail(fd, size, MAX_ENTRY_BYTES * 2).toString('utf8');
      const lines = (tail.endsWith('\n') ? tail.slice(0, -1) : tail).split('\n');
      const last = lines[lines.length - 1]!;
      let parsed: AuditEntry | null = null;
      try {
        parsed = JSON.parse(last) as AuditEntry;
      } catch {
        parsed = null;
      }
      const isEntry = parsed !== null && Number.isInteger(parsed.seq) && typeof parsed.hash === 'string';
      if (!tail.endsWith('\n')) {
        if (!isEntry || entryHash(parsed!) !== parsed!.hash) {
          throw new WfError(ExitCode.Environment, 'the audit log ends with a torn line (a crash cut a write short), so wf will not append to it', {
            where: file,
            hint: 'run: wf audit verify   (it names the torn line); remove that last line by hand after checking it, then run the command again',
          });
        }
        prefix = '\n';
      }
      if (!isEntry) {
        throw new WfError(ExitCode.Refused, 'the last line of the audit log is not a wf entry, so wf will not chain onto it', {
          where: file,
          hint: 'run: wf audit verify   to see what is wrong with the log',
        });
      }
      previous = { seq: parsed!.seq, hash: parsed!.hash };
    }
    // Every line is built and size-checked before the first byte is written: a refused batch leaves no trace.
    const written: AuditEntry[] = [];
    const lines: string[] = [];
    for (const event of events) {
      const entry = buildEntry(event, previous, time);
      const line = `${JSON.stringify(entry)}\n`;
      const bytes = Buffer.byteLength(line);
      if (bytes > MAX_ENTRY_BYTES) {
        throw new WfError(ExitCode.Usage, `an audit entry of ${bytes} bytes is over the ${MAX_ENTRY_BYTES}-byte cap`, {
          where: file,
          hint: 'shorten the notes or details and run the command again',
        });
      }
      lines.push(line);
      written.push(entry);
      previous = { seq: entry.seq, hash: entry.hash };
    }
    // One buffer, written until done: a short write (a full disk) is cut back to the last whole line, so the
    // log never keeps a torn or half-batch line for a command that then failed.
    const bytes = Buffer.from(prefix + lines.join(''));
    let offset = 0;
    try {
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } catch (err) {
      cutBack(fd, size);
      throw fileSystemError(err, 'append to', file, 'nothing was recorded and nothing changed');
    }
    return {
      entries: written,
      undo: () => {
        let again: number;
        try {
          again = openSync(file, 'r+');
        } catch {
          return; // The log cannot be opened again; `wf audit verify` still checks what it holds.
        }
        try {
          cutBack(again, size);
        } finally {
          closeSync(again);
        }
      },
    };
  } finally {
    closeSync(fd);
  }
}

function cutBack(fd: number, size: number): void {
  try {
    ftruncateSync(fd, size);
    fsyncSync(fd);
  } catch {
    // A file that cannot be cut (a device) kept nothing of the failed write either.
  }
}

export type AuditProblemKind = 'not-json' | 'not-an-entry' | 'bad-hash' | 'broken-chain' | 'bad-sequence' | 'torn-last-line';

export interface AuditProblem {
  line: number;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  lastHash: string;
  problems: AuditProblem[];
}

const ENTRY_KEYS_REQUIRED = ['seq', 'time', 'event', 'prev', 'hash'] as const;

/**
 * Pure check of a whole log. Every line is checked on its own (its hash) and
 * against the line before it (prev and seq), so the first problem names the
 * first edited, inserted, deleted or reordered line; later lines are still
 * checked against their real predecessor so one problem does not hide another.
 */
export function verifyAuditLog(text: string): AuditVerification {
  const problems: AuditProblem[] = [];
  const lines = text.split('\n');
  const torn = lines[lines.length - 1] !== '';
  if (!torn) lines.pop();
  let previous: { seq: number; hash: string } | null = null;
  let entries = 0;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const isLast = i === lines.length - 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      if (isLast && torn) {
        problems.push({ line: lineNo, kind: 'torn-last-line', message: `line ${lineNo} is a torn last line (a write cut short by a crash); the ${plural(entries, 'entry', 'entries')} before it ${entries === 1 ? 'was' : 'were'} checked` });
      } else {
        problems.push({ line: lineNo, kind: 'not-json', message: `line ${lineNo} is not valid JSON (edited or inserted by hand?)` });
      }
      previous = null;
      continue;
    }
    const entry = parsed as Partial<AuditEntry>;
    if (typeof parsed !== 'object' || parsed === null || ENTRY_KEYS_REQUIRED.some((k) => entry[k] === undefined)) {
      problems.push({ line: lineNo, kind: 'not-an-entry', message: `line ${lineNo} is not an audit entry (missing seq, time, event, prev or hash)` });
      previous = null;
      continue;
    }
    entries++;
    if (entryHash(entry as AuditEntry) !== entry.hash) {
      problems.push({ line: lineNo, kind: 'bad-hash', message: `line ${lineNo} (seq ${entry.seq}) does not match its own hash: it was edited after it was written` });
    }
    const expectedPrev = i === 0 ? GENESIS_HASH : previous?.hash;
    if (expectedPrev !== undefined && entry.prev !== expectedPrev) {
      problems.push({
        line: lineNo,
        kind: 'broken-chain',
        message: `line ${lineNo} (seq ${entry.seq}) does not follow the line before it: an entry was deleted, inserted or moved here`,
      });
    } else if (i > 0 && previous && entry.seq !== previous.seq + 1) {
      problems.push({ line: lineNo, kind: 'bad-sequence', message: `line ${lineNo} has seq ${entry.seq}, expected ${previous.seq + 1}` });
    } else if (i === 0 && entry.seq !== 1) {
      problems.push({ line: lineNo, kind: 'bad-sequence', message: `line 1 has seq ${entry.seq}, expected 1: the log lost its beginning` });
    }
    previous = { seq: entry.seq as number, hash: entry.hash as string };
  }
  problems.sort((a, b) => a.line - b.line);
  return { ok: problems.length === 0, entries, lastHash: previous?.hash ?? GENESIS_HASH, problems };
}

export function readAuditText(root: string): string {
  try {
    return readFileSync(auditPath(root), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** Entries that parse, in file order, for `wf audit show` and the gates. */
export function parseAuditEntries(text: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const parsed = JSON.parse(line) as AuditEntry;
      if (parsed && typeof parsed.hash === 'string') entries.push(parsed);
    } catch {
      // verifyAuditLog reports it; show what can be read.
    }
  }
  return entries;
}

export interface ApprovalKey {
  fingerprint: string;
  reviewer: string;
  continuationId: string;
}

const approvalKey = (k: ApprovalKey) => `${k.fingerprint}\0${k.reviewer}\0${k.continuationId}`;

/**
 * Which of these approvals the audit log records (`review-recorded`, step review, approved), read from
 * the end in 64 KiB chunks: approvals about to be committed are the newest entries, so a commit costs
 * a few reads however long the log has grown. A torn last line is skipped, not trusted.
 */
export function approvalsInAuditLog(root: string, wanted: readonly ApprovalKey[]): Set<string> {
  const found = new Set<string>();
  const open = new Set(wanted.map(approvalKey));
  if (open.size === 0) return found;
  let fd: number;
  try {
    fd = openSync(auditPath(root), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return found;
    throw err;
  }
  try {
    const chunk = 64 * 1024;
    let position = fstatSync(fd).size;
    let carry = Buffer.alloc(0);
    while (position > 0 && open.size > 0) {
      const size = Math.min(chunk, position);
      position -= size;
      const buf = Buffer.alloc(size);
      readSync(fd, buf, 0, size, position);
      const data = Buffer.concat([buf, carry]);
      let end = data.length;
      // Whole lines only; the part before the first newline waits for the next chunk (or is the first line).
      while (end > 0) {
        const nl = data.lastIndexOf(10, end - 1);
        if (nl < 0 && position > 0) break;
        const line = data.subarray(nl + 1, end).toString('utf8');
        end = nl < 0 ? 0 : nl;
        if (!line.includes('"review-recorded"')) continue;
        try {
          const e = JSON.parse(line) as AuditEntry;
          if (e.event === 'review-recorded' && e.step === 'review' && e.status === 'approved' && typeof e.hash === 'string') {
            const key = approvalKey({ fingerprint: e.fingerprint ?? '', reviewer: e.reviewer ?? '', continuationId: e.continuationId ?? '' });
            if (open.delete(key)) found.add(key);
          }
        } catch {
          // A torn or foreign line proves nothing.
        }
      }
      carry = Buffer.from(data.subarray(0, end));
    }
  } finally {
    closeSync(fd);
  }
  return found;
}

export { approvalKey };
