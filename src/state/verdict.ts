import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageVersion } from '../installation/index.js';

/**
 * Remembers that one exact state text passed validation, so the next reader of the same bytes skips
 * it: every hook and command reads the whole state, and for 10,000 tasks checking it costs as much
 * as a node start-up, while hashing it costs a tenth of that. Keyed by the SHA-256 of the bytes (not
 * by size and mtime, which a quick edit can leave as they were), and by wf's version, whose
 * validator may be stricter than the one that passed them. It lives in the git dir, beside git's own
 * per-checkout files, so it never shows up as an untracked file. Only a cache: when it is missing,
 * unreadable or names other bytes, the text is validated as if it were not there, and a state found
 * invalid is never recorded.
 */
const VERDICT_FILE = 'wf-state-valid';

/** The git dir of the checkout at `root`, when `.git` is there (a folder, or a worktree's `gitdir:` file). */
function gitDirOf(root: string): string | null {
  const dotGit = join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const line = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    return line ? resolve(root, line[1]!.trim()) : null;
  } catch {
    return null;
  }
}

export interface StateVerdict {
  /** Did these bytes pass validation before? */
  known: boolean;
  /** Records that they passed. */
  record(): void;
}

export function stateVerdict(root: string, bytes: Buffer): StateVerdict {
  const gitDir = gitDirOf(root);
  if (gitDir === null) return { known: false, record: () => undefined };
  const file = join(gitDir, VERDICT_FILE);
  const key = `wf ${packageVersion()} ${createHash('sha256').update(bytes).digest('hex')}\n`;
  let known = false;
  try {
    known = readFileSync(file, 'utf8') === key;
  } catch {
    // No verdict yet.
  }
  return {
    known,
    record: () => {
      if (known) return;
      // Renamed into place so a reader never sees half a key; not synced, since a key lost in a crash
      // only costs one validation.
      const temp = `${file}.${process.pid}.tmp`;
      try {
        writeFileSync(temp, key);
        renameSync(temp, file);
        known = true;
      } catch {
        // A read-only git dir, a full disk: the next reader validates again, which is all this saves.
        rmSync(temp, { force: true });
      }
    },
  };
}
