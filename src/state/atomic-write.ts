import { closeSync, fsyncSync, lstatSync, openSync, readlinkSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, sep } from 'node:path';
import { environmentError } from '../errors/index.js';

/**
 * Write temp → fsync → rename → fsync the folder: a crash at any instant
 * leaves either the old or the new file, never a torn one. The temp file sits
 * in the same folder so the rename never crosses a file system. A symbolic
 * link is written through, as editors do, never replaced by a plain file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: { linkWithin?: string } = {}): void {
  const file = writeTarget(path, options.linkWithin);
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    safeUnlink(temp);
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(temp, file);
  } catch (err) {
    safeUnlink(temp);
    throw err;
  }
  fsyncDir(dir);
}

/**
 * The file a write lands in: `path` itself, or what it links to. Renaming over the link would cut whatever
 * shares the file off from every later write, silently. A link to nothing is refused rather than guessed at.
 */
function writeTarget(path: string, within: string | undefined): string {
  try {
    if (!lstatSync(path).isSymbolicLink()) return path;
  } catch {
    return path; // Not there yet (or unreadable, which the write itself reports with the path).
  }
  let target: string;
  try {
    target = realpathSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    let to = '?';
    try {
      to = readlinkSync(path);
    } catch {
      // Gone meanwhile: the message still names the link.
    }
    throw environmentError(`${path} is a symbolic link to ${to}, which cannot be written through (${code === 'ENOENT' ? 'it does not exist' : code})`, {
      where: path,
      hint: `create the file it points to, or replace the link with a file of its own: rm ${JSON.stringify(path)}`,
    });
  }
  if (within !== undefined) {
    // A link that arrived with a checkout (committed with git add -f, a pulled branch) must not turn wf's
    // writes into writes of git's hooks or of files elsewhere on the machine.
    const root = realpathSync(within);
    const inside = (dir: string) => target.startsWith(`${dir}${sep}`);
    if (!inside(root) || inside(join(root, '.git'))) {
      throw environmentError(`${path} is a symbolic link to ${target}, outside the repository's working files, so wf will not write through it`, {
        where: path,
        hint: `replace the link with a copy of its own: rm ${JSON.stringify(path)} && cp ${JSON.stringify(target)} ${JSON.stringify(path)}`,
      });
    }
  }
  return target;
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to clean.
  }
}

/** Makes the rename itself durable; some file systems refuse to open a folder for fsync, which is harmless. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported here (for example on some network file systems).
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
