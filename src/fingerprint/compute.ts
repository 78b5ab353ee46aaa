import { createHash } from 'node:crypto';
import { AUDIT_FILE } from '../audit/index.js';
import { STATE_FILE } from '../state/index.js';

/**
 * The fingerprint of a change, exactly as docs/fingerprint.md defines it.
 * This module is the pure part (records and the final hash); src/git/ lists
 * the changed paths and streams the blobs.
 */
export const ZERO_DIGEST = '0'.repeat(64);
const SUBMODULE_MODE = '160000';
const MISSING_MODE = '000000';

export interface FingerprintChange {
  oldMode: string;
  newMode: string;
  oldOid: string;
  newOid: string;
  path: Buffer;
}

export interface FingerprintRecord {
  oldMode: string;
  newMode: string;
  oldDigest: string;
  newDigest: string;
  /** Raw bytes; `pathText` is for display only. */
  path: Buffer;
  pathText: string;
}

export interface Fingerprint {
  fingerprint: string;
  records: FingerprintRecord[];
}

/**
 * The files wf itself writes never count as code; everything else does, the
 * config included (loosening a gate is a change to review). Exactly these two
 * files, not folders: anything else, a task's plan.md and the rest of
 * .claude/subtasks/ included, can be imported or run, so it is reviewed like
 * any code (a plan committed with the code is shown in the review's diff).
 */
const BUILT_IN_EXCLUDES = [STATE_FILE, AUDIT_FILE];

export function isOwnFile(path: string): boolean {
  return BUILT_IN_EXCLUDES.includes(path);
}

/** Turns a glob (`*` within a segment, `**` across segments, `?` one character) into a matcher. */
export function globToRegExp(pattern: string): RegExp {
  // `./dist`, `/dist` and `dist/` all mean the folder dist at the top of the repository.
  const glob = pattern.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  let re = '';
  const chars = [...glob];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern naming a folder covers everything below it.
  return new RegExp(`^${re}(?:/.*)?$`, 'su');
}

export function makeExcluder(extraGlobs: readonly string[] = []): (path: string) => boolean {
  const patterns = extraGlobs.map(globToRegExp);
  return (path) => isOwnFile(path) || patterns.some((re) => re.test(path));
}

const isMissing = (mode: string) => mode === MISSING_MODE;

/** The blob ids whose digests the records need (submodules and missing sides need none). */
export function blobsToHash(changes: readonly FingerprintChange[]): string[] {
  const oids = new Set<string>();
  for (const c of changes) {
    if (!isMissing(c.oldMode) && c.oldMode !== SUBMODULE_MODE) oids.add(c.oldOid);
    if (!isMissing(c.newMode) && c.newMode !== SUBMODULE_MODE) oids.add(c.newOid);
  }
  return [...oids];
}

export function sideDigest(mode: string, oid: string, blobDigests: ReadonlyMap<string, string>): string {
  if (isMissing(mode)) return ZERO_DIGEST;
  if (mode === SUBMODULE_MODE) return createHash('sha256').update(oid, 'ascii').digest('hex');
  const digest = blobDigests.get(oid);
  if (!digest) throw new Error(`no digest for blob ${oid}`);
  return digest;
}

/** Drops excluded paths (the tool's state plus config excludes). */
export function filterChanges<T extends FingerprintChange>(changes: readonly T[], excludes: readonly string[] = []): T[] {
  const patterns = excludes.map(globToRegExp);
  return changes.filter((c) => {
    const path = c.path.toString('utf8');
    return !isOwnFile(path) && !patterns.some((re) => re.test(path));
  });
}

/** Steps 4 and 5 of docs/fingerprint.md: records in byte order of path, hashed together. */
export function fingerprintFromChanges(changes: readonly FingerprintChange[], blobDigests: ReadonlyMap<string, string>): Fingerprint {
  const records = changes
    .map<FingerprintRecord>((c) => ({
      oldMode: c.oldMode,
      newMode: c.newMode,
      oldDigest: sideDigest(c.oldMode, c.oldOid, blobDigests),
      newDigest: sideDigest(c.newMode, c.newOid, blobDigests),
      path: c.path,
      pathText: c.path.toString('utf8'),
    }))
    .sort((a, b) => Buffer.compare(a.path, b.path));
  const hash = createHash('sha256');
  for (const r of records) {
    hash.update(`${r.oldMode} ${r.newMode} ${r.oldDigest} ${r.newDigest} `, 'ascii');
    hash.update(r.path);
    hash.update(Buffer.from([0]));
  }
  return { fingerprint: hash.digest('hex'), records };
}
