import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * What `git rev-parse --show-toplevel --absolute-git-dir --show-object-format --verify HEAD^{commit}`
 * answers, read from the files for the common layout: every hook and every `wf status` starts here, and
 * starting a git process from node costs a fork of node itself (about 2 ms) before git does anything.
 * Hand-written because no library reads git's layout without starting git. Anything it is not sure of
 * (an environment or config that moves the work tree, a bare or reftable repository, another owner) is
 * null, and the caller asks git: this only ever answers what git would, or nothing.
 */
export interface DiscoveredRepo {
  root: string;
  gitDir: string;
  objectFormat: 'sha1' | 'sha256';
  head: string | null;
}

/** Variables that move or redefine the repository git finds: with any of them set, git is asked. */
const DISCOVERY_ENV = /^GIT_(DIR|WORK_TREE|COMMON_DIR|CEILING_DIRECTORIES|DISCOVERY_ACROSS_FILESYSTEM|OBJECT_DIRECTORY|NAMESPACE|CONFIG|CONFIG_COUNT|REPLACE_REF_BASE|DEFAULT_HASH|DEFAULT_REF_FORMAT)$/;

/**
 * The repository config as git's setup reads it, for the few keys that decide the layout: null when it holds
 * anything that moves or removes the work tree (core.worktree, core.bare other than false), includes, a format
 * version above 1, or any extension but objectFormat (git refuses unknown ones, or stores refs differently).
 */
function plainLayout(text: string): { objectFormat: 'sha1' | 'sha256' } | null {
  let section = '';
  let objectFormat: 'sha1' | 'sha256' = 'sha1';
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    const header = /^\[([^\]]*)\](.*)$/.exec(line);
    if (header) {
      section = header[1]!.trim().toLowerCase().replace(/\s+"/, ' "');
      line = header[2]!.trim();
    }
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const pair = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!pair) return null;
    const key = pair[1]!.toLowerCase();
    // Values as git reads them here: a trailing comment off, quotes around the whole value off.
    const value = (pair[2] ?? 'true').replace(/\s+[#;].*$/, '').replace(/^"(.*)"$/, '$1').trim().toLowerCase();
    if (section.startsWith('include')) return null;
    if (section === 'core' && key === 'worktree') return null;
    if (section === 'core' && key === 'bare' && !['false', 'no', 'off', '0'].includes(value)) return null;
    if (section === 'core' && key === 'repositoryformatversion' && !['0', '1'].includes(value)) return null;
    if (section === 'extensions') {
      if (key !== 'objectformat' || (value !== 'sha1' && value !== 'sha256')) return null;
      objectFormat = value;
    }
  }
  return { objectFormat };
}

const readText = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

const isGitFolder = (dir: string) => readText(join(dir, 'HEAD')) !== null && statSync(join(dir, 'objects'), { throwIfNoEntry: false })?.isDirectory() === true;

export function discoverRepo(cwd: string, env: NodeJS.ProcessEnv): DiscoveredRepo | null {
  for (const name of Object.keys(env)) if (DISCOVERY_ENV.test(name)) return null;
  // `git -c core.worktree=… commit` reaches its hooks through this variable.
  if (/core\.(worktree|bare)|extensions\./i.test(env.GIT_CONFIG_PARAMETERS ?? '')) return null;
  let start: string;
  try {
    start = realpathSync(resolve(cwd));
  } catch {
    return null;
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  const device = statSync(start).dev;
  for (let dir = start; ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    const entry = lstatSync(dotGit, { throwIfNoEntry: false });
    if (entry) return fromDotGit(dir, dotGit, entry.isFile(), uid);
    // Inside a bare repository or git's own folder, git finds that before any .git further up.
    if (isGitFolder(dir)) return null;
    const parent = dirname(dir);
    // git stops at a file system boundary; so does this, and asks git.
    if (parent === dir || statSync(parent).dev !== device) return null;
  }
}

function fromDotGit(root: string, dotGit: string, isFile: boolean, uid: number | null): DiscoveredRepo | null {
  let gitDir: string;
  try {
    if (isFile) {
      const pointer = /^gitdir: (.+?)\r?\n?$/.exec(readText(dotGit) ?? '')?.[1];
      if (!pointer) return null;
      gitDir = realpathSync(isAbsolute(pointer) ? pointer : join(root, pointer));
    } else gitDir = realpathSync(dotGit);
  } catch {
    return null;
  }
  // git refuses a repository another user owns (safe.directory); it says so better than this would.
  if (uid !== null && (statSync(root).uid !== uid || statSync(gitDir).uid !== uid)) return null;
  const common = commonDir(gitDir);
  if (common === null || !isGitFolder(common)) return null;
  const config = readText(join(common, 'config'));
  const layout = config === null ? null : plainLayout(config);
  if (layout === null) return null;
  const { objectFormat } = layout;
  const head = resolveHead(gitDir, common);
  if (head === undefined) return null;
  if (head !== null && head.length !== (objectFormat === 'sha256' ? 64 : 40)) return null;
  return { root, gitDir, objectFormat, head };
}

/** A linked worktree's folder names the repository's common folder in `commondir`. */
function commonDir(gitDir: string): string | null {
  const pointer = readText(join(gitDir, 'commondir'));
  if (pointer === null) return gitDir;
  const path = pointer.replace(/\r?\n$/, '');
  try {
    return realpathSync(isAbsolute(path) ? path : join(gitDir, path));
  } catch {
    return null;
  }
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * HEAD's commit when HEAD names a branch (git keeps commits there), loose or packed; null before the first
 * commit. undefined where only git can tell: a detached HEAD or another ref (either may name a tag or a tree,
 * which `HEAD^{commit}` peels or refuses), a branch that is itself a symbolic ref, text that is no ref.
 */
function resolveHead(gitDir: string, common: string): string | null | undefined {
  const text = readText(join(gitDir, 'HEAD'))?.replace(/\r?\n$/, '');
  const ref = text === undefined ? undefined : /^ref: (refs\/heads\/[^\s]+)$/.exec(text)?.[1];
  if (!ref || ref.includes('..') || ref.includes('//') || ref.endsWith('/')) return undefined;
  const loose = readText(join(common, ref));
  if (loose !== null) {
    const oid = loose.replace(/\r?\n$/, '');
    return OID.test(oid) ? oid : undefined;
  }
  return packedRef(common, ref);
}

function packedRef(common: string, ref: string): string | null | undefined {
  const packed = readText(join(common, 'packed-refs'));
  if (packed === null) return null;
  for (const line of packed.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0 && line.slice(space + 1).replace(/\r$/, '') === ref) {
      const oid = line.slice(0, space);
      return OID.test(oid) ? oid : undefined;
    }
  }
  return null;
}
