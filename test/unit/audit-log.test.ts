import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendAuditEntriesLocked,
  auditPath,
  buildEntry,
  canonicalJson,
  entryHash,
  GENESIS_HASH,
  MAX_ENTRY_BYTES,
  verifyAuditLog,
  type AuditEntry,
  type AuditEvent,
  type AuditVerification,
} from '../../src/audit/log.js';
import { ExitCode, WfError } from '../../src/errors/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-audit-'));
  dirs.push(dir);
  return dir;
}

const EVENTS: AuditEvent[] = [
  { event: 'task-started', taskId: 'T-1', step: 'plan', details: { title: 'first', parent: null } },
  { event: 'plan-registered', taskId: 'T-1', step: 'plan', fingerprint: 'a'.repeat(64), details: { path: '.claude/subtasks/T-1/plan.md' } },
  { event: 'review-recorded', taskId: 'T-1', step: 'plan-review', reviewer: 'alice', continuationId: 'ses_1', status: 'approved' },
  { event: 'todo-added', taskId: 'T-1', step: 'implement', details: { text: 'write the test' } },
  { event: 'test-recorded', taskId: 'T-1', step: 'test', status: 'passed', details: { exitCode: 0, durationMs: 12 } },
  { event: 'commit-made', taskId: 'T-1', step: 'commit', commit: 'b'.repeat(40), details: { reviewIds: 'alice:ses_1' } },
];

/** A real log built by the exported append function, in two batches (so chaining across calls is covered too). */
function buildLog(): { root: string; file: string; text: string; lines: string[]; entries: AuditEntry[] } {
  const root = tempRoot();
  const first = appendAuditEntriesLocked(root, EVENTS.slice(0, 2)).entries;
  const rest = appendAuditEntriesLocked(root, EVENTS.slice(2)).entries;
  const file = auditPath(root);
  const text = readFileSync(file, 'utf8');
  const lines = text.slice(0, -1).split('\n');
  return { root, file, text, lines, entries: [...first, ...rest] };
}

const join_ = (lines: string[]) => `${lines.join('\n')}\n`;
const first = (v: AuditVerification) => v.problems[0];

describe('audit log chain', () => {
  it('a log built by appendAuditEntriesLocked verifies, with seq 1..n and each prev the hash before it', () => {
    const { text, lines, entries } = buildLog();
    expect(lines).toHaveLength(EVENTS.length);
    const result = verifyAuditLog(text);
    expect(result).toEqual({ ok: true, entries: EVENTS.length, lastHash: entries.at(-1)!.hash, problems: [] });
    const parsed = lines.map((l) => JSON.parse(l) as AuditEntry);
    expect(parsed).toEqual(entries);
    expect(parsed.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parsed[0]!.prev).toBe(GENESIS_HASH);
    for (let i = 1; i < parsed.length; i++) expect(parsed[i]!.prev).toBe(parsed[i - 1]!.hash);
    for (const e of parsed) expect(entryHash(e)).toBe(e.hash);
  });

  it('an empty log verifies with no entries', () => {
    expect(verifyAuditLog('')).toEqual({ ok: true, entries: 0, lastHash: GENESIS_HASH, problems: [] });
  });

  it('appending nothing creates no file', () => {
    const root = tempRoot();
    expect(appendAuditEntriesLocked(root, []).entries).toEqual([]);
    expect(() => readFileSync(auditPath(root))).toThrow(/ENOENT/);
  });

  it('names an edited entry (a field changed, JSON still valid) as bad-hash at its own line', () => {
    const { lines } = buildLog();
    const edited = JSON.parse(lines[2]!) as AuditEntry;
    edited.status = 'needs-revision';
    const copy = [...lines];
    copy[2] = JSON.stringify(edited);
    const result = verifyAuditLog(join_(copy));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ line: 3, kind: 'bad-hash' })]);
    expect(first(result)!.message).toContain('line 3');
  });

  it('an edited entry whose own hash was recomputed breaks the chain at the next line', () => {
    const { lines } = buildLog();
    const edited = JSON.parse(lines[1]!) as AuditEntry;
    edited.details = { path: 'somewhere/else.md' };
    edited.hash = entryHash(edited);
    const copy = [...lines];
    copy[1] = JSON.stringify(edited);
    const result = verifyAuditLog(join_(copy));
    expect(result.ok).toBe(false);
    expect(first(result)).toMatchObject({ line: 3, kind: 'broken-chain' });
    expect(result.problems).toHaveLength(1);
  });

  it('names a reordered pair at the first moved line', () => {
    const { lines } = buildLog();
    const copy = [...lines];
    [copy[1], copy[2]] = [copy[2]!, copy[1]!];
    const result = verifyAuditLog(join_(copy));
    expect(result.ok).toBe(false);
    expect(first(result)).toMatchObject({ line: 2, kind: 'broken-chain' });
    // Every line after the swap is checked against its real predecessor, so all three are reported.
    expect(result.problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(result.problems.every((p) => p.kind === 'broken-chain')).toBe(true);
  });

  it('names an inserted copy of a valid line from elsewhere in the log', () => {
    const { lines } = buildLog();
    const copy = [...lines];
    copy.splice(4, 0, lines[1]!); // a genuine, self-consistent line, but in the wrong place
    const result = verifyAuditLog(join_(copy));
    expect(result.ok).toBe(false);
    expect(first(result)).toMatchObject({ line: 5, kind: 'broken-chain' });
    expect(result.problems.some((p) => p.kind === 'bad-hash')).toBe(false);
  });

  it('names a forged entry with a correct own hash but a wrong prev', () => {
    const { lines, entries } = buildLog();
    const forged = buildEntry({ event: 'review-recorded', taskId: 'T-1', step: 'review', reviewer: 'mallory', status: 'approved' }, { seq: 3, hash: 'f'.repeat(64) });
    expect(entryHash(forged)).toBe(forged.hash);
    const copy = [...lines];
    copy.splice(3, 0, JSON.stringify(forged));
    const result = verifyAuditLog(join_(copy));
    expect(result.ok).toBe(false);
    expect(first(result)).toMatchObject({ line: 4, kind: 'broken-chain' });
    // A forgery chained onto the right predecessor still cannot be followed by the genuine next entry.
    const chained = buildEntry({ event: 'review-recorded', taskId: 'T-1', reviewer: 'mallory', status: 'approved' }, entries[2]!);
    const copy2 = [...lines];
    copy2.splice(3, 0, JSON.stringify(chained));
    const result2 = verifyAuditLog(join_(copy2));
    expect(result2.ok).toBe(false);
    expect(result2.problems).toEqual([expect.objectContaining({ line: 5, kind: 'broken-chain' })]);
  });

  it('names a deleted entry in the middle at the line that now follows the gap', () => {
    const { lines } = buildLog();
    const copy = [...lines];
    copy.splice(2, 1);
    const result = verifyAuditLog(join_(copy));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ line: 3, kind: 'broken-chain' })]);
    expect(result.entries).toBe(EVENTS.length - 1);
  });

  it('names a deleted first entry at line 1', () => {
    const { lines } = buildLog();
    const result = verifyAuditLog(join_(lines.slice(1)));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ line: 1, kind: 'broken-chain' })]);
  });

  it('names a first line whose seq is not 1 even when its prev is the genesis hash', () => {
    const forged = buildEntry({ event: 'task-started', taskId: 'T-9' }, null);
    const renumbered = { ...forged, seq: 7 };
    const line = JSON.stringify({ ...renumbered, hash: entryHash(renumbered) });
    const result = verifyAuditLog(`${line}\n`);
    expect(result.problems).toEqual([expect.objectContaining({ line: 1, kind: 'bad-sequence' })]);
  });

  it('names a non-JSON line in the middle (not torn: the file still ends with a newline)', () => {
    const { lines } = buildLog();
    const copy = [...lines];
    copy[3] = '{"seq":4, this is not json';
    const result = verifyAuditLog(join_(copy));
    expect(result.ok).toBe(false);
    expect(first(result)).toMatchObject({ line: 4, kind: 'not-json' });
    expect(result.problems.some((p) => p.kind === 'torn-last-line')).toBe(false);
  });

  it('names valid JSON that is not an entry', () => {
    const { lines } = buildLog();
    const copy = [...lines];
    copy.splice(2, 0, '{"hello":"world"}');
    const result = verifyAuditLog(join_(copy));
    expect(first(result)).toMatchObject({ line: 3, kind: 'not-an-entry' });
  });

  it('reports a torn last line as torn-last-line, and the entries before it still verify', () => {
    const { text, lines } = buildLog();
    const next = JSON.stringify(buildEntry({ event: 'todo-added', taskId: 'T-1', details: { text: 'x' } }, JSON.parse(lines.at(-1)!)));
    const torn = text + next.slice(0, Math.floor(next.length / 2));
    const result = verifyAuditLog(torn);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ line: lines.length + 1, kind: 'torn-last-line' })]);
    expect(result.entries).toBe(lines.length);
    expect(first(result)!.message).toContain(`${lines.length} entries before it`);
  });

  it('still reports an earlier edit when the last line is torn', () => {
    const { lines } = buildLog();
    const edited = JSON.parse(lines[1]!) as AuditEntry;
    edited.taskId = 'T-2';
    const copy = [...lines];
    copy[1] = JSON.stringify(edited);
    const result = verifyAuditLog(`${join_(copy)}{"seq":7,"ti`);
    expect(result.problems.map((p) => [p.line, p.kind])).toEqual([
      [2, 'bad-hash'],
      [lines.length + 1, 'torn-last-line'],
    ]);
  });

  it('refuses to append to a log whose last line is torn, and leaves it as it was', () => {
    const { root, file, text } = buildLog();
    const torn = `${text}{"seq":7,"time":"2024-`;
    writeFileSync(file, torn);
    let caught: unknown;
    try {
      appendAuditEntriesLocked(root, [{ event: 'todo-added', taskId: 'T-1' }]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WfError);
    expect((caught as WfError).exitCode).toBe(ExitCode.Environment);
    expect((caught as WfError).message).toMatch(/torn/);
    expect((caught as WfError).where).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe(torn);
  });

  // KNOWN BUG (reported): a complete last entry that only lacks its final newline (an editor stripped it)
  // verifies as ok, yet the append refuses it as "torn" and points at `wf audit verify`, which names nothing.
  // Either answer is fine as long as the two agree. Turn `it.fails` into `it` once they do.
  it('verify and append agree on a log whose last entry lacks only its final newline', () => {
    const { root, file, text } = buildLog();
    writeFileSync(file, text.slice(0, -1));
    const verified = verifyAuditLog(text.slice(0, -1)).ok;
    let appended = true;
    try {
      appendAuditEntriesLocked(root, [{ event: 'after' }]);
    } catch {
      appended = false;
    }
    expect(appended).toBe(verified);
  });

  it('refuses to chain onto a last line that is not a wf entry', () => {
    const { root, file, text } = buildLog();
    writeFileSync(file, `${text}{"hello":"world"}\n`);
    expect(() => appendAuditEntriesLocked(root, [{ event: 'x' }])).toThrow(WfError);
    expect(readFileSync(file, 'utf8')).toBe(`${text}{"hello":"world"}\n`);
  });
});

describe('audit log redaction and limits', () => {
  const ghToken = () => 'ghp_' + 'A'.repeat(36);
  const apiKey = () => 'sk-' + 'Zq9'.repeat(10);
  const awsKey = () => 'AKIA' + 'QWERTYUIOPASDFGH';

  it('redacts secrets in free-text fields before hashing, so the stored entry verifies', () => {
    const root = tempRoot();
    const [entry] = appendAuditEntriesLocked(root, [
      {
        event: 'review-recorded',
        taskId: 'T-1',
        actor: `ci with ${ghToken()}`,
        reviewer: 'alice',
        details: { notes: `looks fine; token=${apiKey()} leaked`, output: `id ${awsKey()} used`, exitCode: 0, ok: true, none: null },
      },
    ]).entries;
    const text = readFileSync(auditPath(root), 'utf8');
    for (const secret of [ghToken(), apiKey(), awsKey()]) expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED:github-token]');
    expect(text).toContain('[REDACTED:api-key]');
    expect(text).toContain('[REDACTED:aws-access-key]');
    const stored = JSON.parse(text) as AuditEntry;
    expect(stored).toEqual(entry);
    expect(stored.actor).toBe('ci with [REDACTED:github-token]');
    expect(stored.details).toMatchObject({ exitCode: 0, ok: true, none: null });
    expect(entryHash(stored)).toBe(stored.hash);
    expect(verifyAuditLog(text).ok).toBe(true);
  });

  it('buildEntry redacts too, and the hash covers the redacted text', () => {
    const entry = buildEntry({ event: 'note', details: { notes: `Authorization: Bearer ${'t0k'.repeat(10)}` } }, null);
    expect(entry.details!.notes).toBe('Authorization: Bearer [REDACTED:bearer]');
    expect(entry.hash).toBe(entryHash(entry));
  });

  it('truncates one long free-text field instead of refusing it', () => {
    const root = tempRoot();
    const [entry] = appendAuditEntriesLocked(root, [{ event: 'test-recorded', details: { output: 'x'.repeat(50_000) } }]).entries;
    const output = entry!.details!.output as string;
    expect(output.length).toBeLessThan(4100);
    expect(output.endsWith('[truncated]')).toBe(true);
    expect(verifyAuditLog(readFileSync(auditPath(root), 'utf8')).ok).toBe(true);
  });

  it(`refuses an entry over MAX_ENTRY_BYTES (${MAX_ENTRY_BYTES}) with exit code 2 and writes nothing`, () => {
    const { root, file, text } = buildLog();
    const details: Record<string, string> = {};
    for (let i = 0; i < 8; i++) details[`field${i}`] = 'y'.repeat(3000); // each under the per-field cap, together over the entry cap
    let caught: unknown;
    try {
      appendAuditEntriesLocked(root, [{ event: 'big', details }]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WfError);
    expect((caught as WfError).exitCode).toBe(ExitCode.Usage);
    expect((caught as WfError).exitCode).toBe(2);
    expect((caught as WfError).message).toContain(String(MAX_ENTRY_BYTES));
    expect(readFileSync(file, 'utf8')).toBe(text);
    // The log is still appendable afterwards.
    appendAuditEntriesLocked(root, [{ event: 'small' }]);
    expect(verifyAuditLog(readFileSync(file, 'utf8'))).toMatchObject({ ok: true, entries: EVENTS.length + 1 });
  });

  // KNOWN BUG (reported): appendAuditEntriesLocked checks the cap inside its write loop, so in a batch
  // [small, too-big] the small entry is already written when the refusal (exit 2) is thrown, and
  // mutateStore then writes no state. Turn `it.fails` into `it` once the cap is checked before any write.
  it('refuses a batch with one oversized entry without writing any of it', () => {
    const { root, file, text } = buildLog();
    const details: Record<string, string> = {};
    for (let i = 0; i < 8; i++) details[`field${i}`] = 'y'.repeat(3000);
    expect(() => appendAuditEntriesLocked(root, [{ event: 'small' }, { event: 'big', details }])).toThrow(WfError);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('canonicalJson', () => {
  it('does not depend on key order at any level, and drops undefined', () => {
    const a = { b: 1, a: { d: [{ y: 1, x: 2 }], c: 'z' }, u: undefined };
    const b = { a: { c: 'z', d: [{ x: 2, y: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(b)).toBe('{"a":{"c":"z","d":[{"x":2,"y":1}]},"b":1}');
    // Array order is meaningful and kept.
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('keeps the hash of an entry stable when its keys are rewritten in another order', () => {
    const { lines } = buildLog();
    const copy = lines.map((line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const reversed = Object.fromEntries(Object.entries(entry).reverse());
      const out = JSON.stringify(reversed);
      expect(out).not.toBe(line);
      return out;
    });
    expect(verifyAuditLog(join_(copy)).ok).toBe(true);
  });
});

describe('approvalsInAuditLog: the hooks find the approvals a commit cites, reading from the end', () => {
  it('finds recent and old entries across chunk boundaries of a long log, and skips torn, foreign and non-approving lines', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { approvalKey, approvalsInAuditLog } = await import('../../src/audit/index.js');
    const root = mkdtempSync(join(tmpdir(), 'wf-audit-'));
    try {
      mkdirSync(join(root, '.claude'));
      const line = (i: number, extra: Record<string, string> = {}) =>
        JSON.stringify({ seq: i, event: 'review-recorded', step: 'review', status: 'approved', reviewer: 'alice', continuationId: `ses_01J9ZK3V6QW8E2R4T6Y8U${i}`, fingerprint: `${i}`.padStart(64, 'a'), hash: 'h', ...extra });
      const lines = Array.from({ length: 60_000 }, (_, i) => (i % 7 === 0 ? JSON.stringify({ seq: i, event: 'todo-added', hash: 'h' }) : line(i)));
      lines[5] = line(5, { status: 'needs-revision' });
      writeFileSync(join(root, '.claude/workflow-audit.log'), `${lines.join('\n')}\n${line(99_999).slice(0, 40)}`);
      const key = (i: number) => ({ fingerprint: `${i}`.padStart(64, 'a'), reviewer: 'alice', continuationId: `ses_01J9ZK3V6QW8E2R4T6Y8U${i}` });
      const recent = approvalsInAuditLog(root, [key(59_999)]);
      expect(recent.has(approvalKey(key(59_999)))).toBe(true);
      const found = approvalsInAuditLog(root, [key(1), key(5), key(7), key(99_999), key(30_001)]);
      expect([...found].sort()).toEqual([approvalKey(key(1)), approvalKey(key(30_001))].sort());
      expect(approvalsInAuditLog(join(root, 'nowhere'), [key(1)]).size).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('undo takes a batch back out, byte for byte, and the log verifies and appends as before', () => {
    const root = tempRoot();
    appendAuditEntriesLocked(root, EVENTS.slice(0, 2));
    const before = readFileSync(auditPath(root));
    const batch = appendAuditEntriesLocked(root, EVENTS.slice(2));
    expect(batch.entries.length).toBeGreaterThan(0);
    batch.undo();
    expect(readFileSync(auditPath(root))).toEqual(before);
    expect(verifyAuditLog(readFileSync(auditPath(root), 'utf8')).ok).toBe(true);
    expect(appendAuditEntriesLocked(root, EVENTS.slice(2)).entries[0]!.seq).toBe(3);
  });
});
