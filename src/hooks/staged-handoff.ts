import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { WfConfig } from '../config/index.js';
import type { Repo } from '../git/index.js';
import { packageVersion } from '../installation/index.js';

/**
 * What pre-commit computed, handed to commit-msg of the same `git commit`: the staged fingerprint and the
 * effective config. Without it commit-msg starts node's child_process, a cat-file and a diff-index again, only
 * to recompute the same two things (about a third of its time).
 *
 * It is bound to the index file git commits (its device, inode, size, timestamps and trailing checksum) and to HEAD, so a
 * change staged between the two hooks, a later commit, or another wf version finds nothing and recomputes. It
 * sits in git's own folder, which the guard keeps agents out of; a forged one fools only this seatbelt:
 * `wf verify` in CI recomputes every fingerprint from the commits themselves.
 */
const FILE = 'wf-staged-handoff.json';

interface Handoff {
  wf: string;
  index: string;
  head: string | null;
  fingerprint: string;
  config: WfConfig;
}

/** The index file this `git commit` writes its tree from: git hands its hooks GIT_INDEX_FILE (relative to the top). */
function indexFile(repo: Repo): string {
  const named = repo.env.GIT_INDEX_FILE;
  if (named) return isAbsolute(named) ? named : join(repo.root, named);
  return join(repo.gitDir, 'index');
}

/**
 * The index file as it is now: where it is, its stat data, and the checksum git writes at its end (a digest of
 * all of it), which tells two same-size rewrites apart on file systems whose timestamps are coarse. With
 * index.skipHash the checksum is zeros, and there is no identity to bind to: commit-msg recomputes.
 */
function indexIdentity(repo: Repo): string | null {
  const path = indexFile(repo);
  const width = repo.objectFormat === 'sha256' ? 32 : 20;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const s = fstatSync(fd, { bigint: true });
    if (s.size < BigInt(width)) return null;
    const sum = Buffer.alloc(width);
    readSync(fd, sum, 0, width, Number(s.size) - width);
    if (sum.every((b) => b === 0)) return null;
    return `${path} ${s.dev} ${s.ino} ${s.size} ${s.mtimeNs} ${s.ctimeNs} ${sum.toString('hex')}`;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function writeStagedHandoff(repo: Repo, fingerprint: string, config: WfConfig): void {
  const index = indexIdentity(repo);
  const target = join(repo.gitDir, FILE);
  if (index === null) return;
  const handoff: Handoff = { wf: packageVersion(), index, head: repo.headAtOpen, fingerprint, config };
  const temp = `${target}.${process.pid}.tmp`;
  try {
    // Temp, then rename: commit-msg reads a whole handoff or none. No fsync: it is a cache, not state, and
    // after a crash, whatever the disk holds fails the JSON parse or the identity check and is recomputed.
    writeFileSync(temp, JSON.stringify(handoff), { mode: 0o600 });
    renameSync(temp, target);
  } catch {
    // A cache: if it cannot be written (a read-only git folder, a full disk), commit-msg recomputes.
    rmSync(temp, { force: true });
  }
}

/** The handoff for exactly this index and HEAD, or null (commit-msg then computes both itself). */
export function readStagedHandoff(repo: Repo): { fingerprint: string; config: WfConfig } | null {
  let handoff: Partial<Handoff>;
  try {
    handoff = JSON.parse(readFileSync(join(repo.gitDir, FILE), 'utf8')) as Partial<Handoff>;
  } catch {
    return null;
  }
  if (handoff.wf !== packageVersion() || handoff.head !== repo.headAtOpen || typeof handoff.fingerprint !== 'string' || typeof handoff.config !== 'object' || handoff.config === null) return null;
  if (handoff.index !== indexIdentity(repo)) return null;
  return { fingerprint: handoff.fingerprint, config: handoff.config };
}
