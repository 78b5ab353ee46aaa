import { createHash } from 'node:crypto';
import { structuredPatch } from 'diff';
import type { CatFileBatch, RawChange } from '../git/index.js';

/**
 * The diff a reviewer reads, made from git objects by wf itself rather than
 * by `git diff`: git would apply the repository's attributes (`-diff` turns
 * code into "Binary files differ"), textconv and external drivers, and the
 * user's diff config, all of which the reviewed change can influence. Here
 * every byte of every text file is shown, and a binary file (a NUL in its
 * first 8,000 bytes, git's own test) is shown as binary with its size and
 * SHA-256, never silently.
 */
const MISSING = '000000';
const SYMLINK = '120000';
const SUBMODULE = '160000';
/** jsdiff gives up past this many milliseconds on a pathological pair; the file is then shown whole (removed, then added). */
const DIFF_TIMEOUT_MS = 2000;

interface Side {
  mode: string;
  text: string | null;
  binary: { size: number; sha256: string; shown: string | null } | null;
  note: string | null;
}

/**
 * A binary file up to this size is shown too, byte for byte with control
 * bytes escaped: a NUL makes a file binary to git, and a script with one NUL
 * in a comment still runs. Larger ones are listed by size and hash, and the
 * packet tells the reviewer so.
 */
export const MAX_SHOWN_BINARY = 256 * 1024;

/** Bytes as lines a reviewer can read: printable ASCII as is, everything else as \xNN. */
function escapedLines(content: Buffer): string[] {
  let text = '';
  for (const byte of content) {
    if (byte === 0x0a || byte === 0x09 || (byte >= 0x20 && byte < 0x7f)) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return text.split('\n');
}

export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

const displayPath = (path: Buffer): string => {
  const text = path.toString('utf8');
  return Buffer.from(text, 'utf8').equals(path) && /^[^\p{Cc}"\\]+$/u.test(text) ? text : JSON.stringify(path.toString('latin1'));
};

async function readSide(batch: CatFileBatch, mode: string, oid: string): Promise<Side> {
  if (mode === MISSING) return { mode, text: null, binary: null, note: null };
  if (mode === SUBMODULE) return { mode, text: null, binary: null, note: `submodule at commit ${oid}` };
  const object = await batch.read(oid);
  if (!object) return { mode, text: null, binary: null, note: `object ${oid} is missing from this repository` };
  const content = object.content;
  if (mode === SYMLINK) return { mode, text: null, binary: null, note: `symbolic link to ${JSON.stringify(content.toString('latin1'))}` };
  if (isBinary(content)) {
    const shown = content.length <= MAX_SHOWN_BINARY ? escapedLines(content).join('\n') : null;
    return { mode, text: null, binary: { size: content.length, sha256: createHash('sha256').update(content).digest('hex'), shown }, note: null };
  }
  const utf8 = content.toString('utf8');
  // Not UTF-8: shown byte for byte as Latin-1, so nothing is hidden behind replacement characters.
  if (!Buffer.from(utf8, 'utf8').equals(content)) return { mode, text: content.toString('latin1'), binary: null, note: 'not UTF-8: shown as Latin-1' };
  return { mode, text: utf8, binary: null, note: null };
}

function describe(side: Side): string {
  if (side.binary) return `binary, ${side.binary.size} bytes, sha256 ${side.binary.sha256}${side.binary.shown === null ? ` (over ${MAX_SHOWN_BINARY / 1024} KiB: not shown)` : ' (shown below, control bytes as \\xNN)'}`;
  return side.note ?? '';
}

/** One file's part of the diff. */
async function fileDiff(batch: CatFileBatch, change: RawChange): Promise<string> {
  const path = displayPath(change.path);
  const [before, after] = [await readSide(batch, change.oldMode, change.oldOid), await readSide(batch, change.newMode, change.newOid)];
  const lines = [`diff --wf a/${path} b/${path}`];
  if (before.mode === MISSING) lines.push(`new file mode ${after.mode}`);
  else if (after.mode === MISSING) lines.push(`deleted file mode ${before.mode}`);
  else if (before.mode !== after.mode) lines.push(`old mode ${before.mode}`, `new mode ${after.mode}`);
  const textual = (before.mode === MISSING || before.text !== null) && (after.mode === MISSING || after.text !== null);
  if (!textual) {
    if (before.mode !== MISSING) lines.push(`before: ${describe(before) || 'text'}`);
    if (after.mode !== MISSING) lines.push(`after: ${describe(after) || 'text'}`);
    for (const side of [before, after]) {
      // A text side next to a binary or link side is still shown whole, and so is a binary that is small enough.
      const shown = side.text ?? side.binary?.shown ?? null;
      if (shown !== null) lines.push(`${side === before ? 'before' : 'after'}, every byte:`, ...shown.split('\n').map((l) => `${side === before ? '-' : '+'}${l}`));
    }
    return lines.join('\n');
  }
  for (const side of [before, after]) if (side.note) lines.push(`${side === before ? 'before' : 'after'}: ${side.note}`);
  const oldText = before.text ?? '';
  const newText = after.text ?? '';
  if (oldText === newText) return lines.join('\n');
  const patch = structuredPatch(before.mode === MISSING ? '/dev/null' : `a/${path}`, after.mode === MISSING ? '/dev/null' : `b/${path}`, oldText, newText, undefined, undefined, { context: 3, timeout: DIFF_TIMEOUT_MS });
  lines.push(`--- ${before.mode === MISSING ? '/dev/null' : `a/${path}`}`, `+++ ${after.mode === MISSING ? '/dev/null' : `b/${path}`}`);
  if (!patch) {
    lines.push('(too different to diff in time: the whole file before, then the whole file after)', ...oldText.split('\n').map((l) => `-${l}`), ...newText.split('\n').map((l) => `+${l}`));
    return lines.join('\n');
  }
  for (const hunk of patch.hunks) {
    // Unified diff's convention, as git and jsdiff's own formatter write it: an empty range starts at the line before.
    const start = (at: number, count: number) => (count === 0 ? at - 1 : at);
    lines.push(`@@ -${start(hunk.oldStart, hunk.oldLines)},${hunk.oldLines} +${start(hunk.newStart, hunk.newLines)},${hunk.newLines} @@`, ...hunk.lines);
  }
  return lines.join('\n');
}

/** The unified diff of exactly these changes (the fingerprinted ones), read from git objects. */
export async function changeDiff(batch: CatFileBatch, changes: readonly RawChange[]): Promise<string> {
  const parts: string[] = [];
  for (const change of [...changes].sort((a, b) => Buffer.compare(a.path, b.path))) parts.push(await fileDiff(batch, change));
  return parts.length === 0 ? '' : `${parts.join('\n')}\n`;
}
