import { posix } from 'node:path';

/**
 * Where a command writes, computed per command word from its options, so the
 * rules check one list of destinations instead of one pattern per spelling
 * (`-t DIR`, `--target-directory=DIR`, `-oFILE`, `-sSLo FILE`, `-C DIR`,
 * a trailing folder operand).
 */
export interface Destination {
  /** The path word, relative to the command's working folder (or absolute). */
  path: string;
  /**
   * True when the path may be a folder that receives files whose names the
   * guard does not see (a copy's target folder, an extraction folder): it is
   * protected when it is, or holds, a protected path.
   */
  folder: boolean;
}

interface OptionSpec {
  /** Short letters that take a value, attached (`-oFILE`) or as the next word. */
  short?: string;
  /** Long options that take a value (`--output FILE`; `--output=FILE` always does). */
  long?: readonly string[];
  /** GNU getopt accepts any unambiguous prefix of a long option (`--target=DIR`). */
  abbreviations?: boolean;
}

interface ReadArgs {
  operands: string[];
  options: Array<[flag: string, value: string | null]>;
}

function readArgs(args: readonly string[], spec: OptionSpec): ReadArgs {
  const operands: string[] = [];
  const options: ReadArgs['options'] = [];
  const long = spec.long ?? [];
  const short = spec.short ?? '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const written = (eq < 0 ? a : a.slice(0, eq)).slice(2);
      // Any prefix at all (`--t=DIR` is --target-directory): where getopt would call it ambiguous the
      // command fails anyway, so reading it as the one option that takes a value errs on the safe side.
      const candidates = spec.abbreviations && written !== '' ? long.filter((l) => l.startsWith(written)) : [];
      const name = long.includes(written) ? written : candidates.length === 1 ? candidates[0]! : written;
      if (eq >= 0) options.push([`--${name}`, a.slice(eq + 1)]);
      else if (long.includes(name)) options.push([`--${name}`, args[++i] ?? '']);
      else options.push([`--${name}`, null]);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        if (short.includes(letter)) {
          options.push([`-${letter}`, j < a.length - 1 ? a.slice(j + 1) : (args[++i] ?? '')]);
          break;
        }
        options.push([`-${letter}`, null]);
      }
      continue;
    }
    operands.push(a);
  }
  return { operands, options };
}

const valuesOf = (read: ReadArgs, ...flags: string[]) => read.options.filter(([f, v]) => flags.includes(f) && v !== null).map(([, v]) => v!);
const has = (read: ReadArgs, ...flags: string[]) => read.options.some(([f]) => flags.includes(f));

/** The name a copy gives its source inside a target folder; null when the shell makes it at run time. */
function nameInFolder(source: string): string | null {
  const trimmed = source.replace(/\/+$/, '');
  const name = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  if (name === '' || name === '.' || name === '..') return '';
  if (/[$`]/.test(name)) return null;
  // A glob that does not start with a dot matches no dot-file (.git, .claude, .husky): only its folder matters.
  if (/[*?[]/.test(name) && !name.startsWith('.')) return '';
  return name;
}

/** A target folder and what lands in it: the folder itself, and each source under its own name. */
function intoFolder(folder: string, sources: readonly string[], trees: boolean): Destination[] {
  const out: Destination[] = [{ path: folder, folder: true }];
  for (const s of sources) {
    const name = nameInFolder(s);
    // A name made at run time could be any entry of the folder (.git, .claude), when whole trees move:
    // `.*` is the pattern of those names (a bare `*` is read as the shell reads it, matching no dot-file).
    if (name === null) {
      if (trees) out.push({ path: posix.join(folder, '.*'), folder: true });
    } else if (name !== '') out.push({ path: posix.join(folder, name), folder: true });
  }
  return out;
}

const COREUTILS: Record<string, OptionSpec> = {
  cp: { short: 'tS', long: ['target-directory', 'suffix'], abbreviations: true },
  mv: { short: 'tS', long: ['target-directory', 'suffix'], abbreviations: true },
  ln: { short: 'tS', long: ['target-directory', 'suffix'], abbreviations: true },
  install: { short: 'tSmogZ', long: ['target-directory', 'suffix', 'mode', 'owner', 'group', 'strip-program'], abbreviations: true },
};

const RSYNC: OptionSpec = {
  short: 'efTBM',
  long: ['exclude', 'include', 'exclude-from', 'include-from', 'filter', 'rsh', 'rsync-path', 'files-from', 'chmod', 'chown', 'log-file', 'log-file-format', 'password-file', 'backup-dir', 'suffix', 'compare-dest', 'copy-dest', 'link-dest', 'partial-dir', 'temp-dir', 'timeout', 'contimeout', 'bwlimit', 'max-size', 'min-size', 'max-delete', 'port', 'remote-option', 'out-format', 'info', 'debug', 'modify-window', 'block-size', 'iconv', 'usermap', 'groupmap', 'skip-compress', 'sockopts', 'address', 'protocol', 'checksum-choice', 'compress-choice', 'compress-level', 'checksum-seed', 'outbuf', 'stop-after', 'stop-at', 'write-batch', 'only-write-batch', 'read-batch', 'max-alloc', 'copy-as'],
  abbreviations: true,
};
const SCP: OptionSpec = { short: 'cFiJloPSDX' };
const CURL: OptionSpec = {
  short: 'AbcCdDeEFHKmoPQrtTuUwxXyYz',
  long: ['output', 'output-dir', 'dump-header', 'cookie-jar', 'stderr', 'trace', 'trace-ascii', 'libcurl', 'etag-save', 'etag-compare', 'hsts', 'alt-svc', 'user-agent', 'cookie', 'continue-at', 'data', 'data-ascii', 'data-binary', 'data-raw', 'data-urlencode', 'json', 'referer', 'cert', 'form', 'form-string', 'header', 'config', 'max-time', 'connect-timeout', 'proxy', 'proxy-user', 'quote', 'range', 'telnet-option', 'upload-file', 'user', 'write-out', 'request', 'speed-limit', 'speed-time', 'time-cond', 'url', 'retry', 'retry-delay', 'retry-max-time', 'resolve', 'connect-to', 'interface', 'limit-rate', 'max-filesize', 'cacert', 'capath', 'key', 'oauth2-bearer', 'aws-sigv4', 'unix-socket', 'noproxy', 'variable', 'max-redirs', 'keepalive-time', 'proto', 'proto-redir', 'ciphers', 'preproxy', 'socks5', 'socks5-hostname', 'expect100-timeout', 'happy-eyeballs-timeout-ms', 'parallel-max', 'dns-servers', 'local-port', 'mail-from', 'mail-rcpt', 'netrc-file', 'pass', 'pinnedpubkey', 'create-file-mode'],
};
const WGET: OptionSpec = {
  short: 'OoaPeiBtTwQlARDIXU',
  long: ['output-document', 'output-file', 'append-output', 'directory-prefix', 'execute', 'input-file', 'base', 'tries', 'timeout', 'wait', 'quota', 'level', 'accept', 'reject', 'domains', 'exclude-domains', 'include-directories', 'exclude-directories', 'user-agent', 'header', 'post-data', 'post-file', 'body-data', 'body-file', 'method', 'user', 'password', 'http-user', 'http-password', 'load-cookies', 'save-cookies', 'referer', 'cut-dirs', 'limit-rate', 'bind-address', 'dns-timeout', 'connect-timeout', 'read-timeout', 'waitretry', 'restrict-file-names', 'default-page', 'ca-certificate', 'certificate', 'private-key', 'warc-file', 'rejected-log', 'progress', 'local-encoding', 'remote-encoding', 'config', 'regex-type', 'accept-regex', 'reject-regex', 'backups'],
  abbreviations: true,
};
const TAR: OptionSpec = {
  short: 'fCTXbgHIKLNVF',
  long: ['file', 'directory', 'files-from', 'exclude-from', 'exclude', 'blocking-factor', 'listed-incremental', 'format', 'use-compress-program', 'starting-file', 'tape-length', 'newer', 'after-date', 'label', 'info-script', 'new-volume-script', 'to-command', 'owner', 'group', 'mode', 'mtime', 'transform', 'xform', 'strip-components', 'suffix', 'rsh-command', 'volno-file', 'index-file', 'record-size', 'newer-mtime', 'owner-map', 'group-map', 'level', 'hole-detection', 'warning', 'quoting-style'],
  abbreviations: true,
};
/** In `tar xzf a.tgz dir`, the first word is letters without a dash; those that take a value take the next words in turn. */
const TAR_OLD_VALUE_LETTERS = 'fbCTXgKLNV';

const isRemote = (word: string) => /^[^/]*:/.test(word) && !word.startsWith('./');
const urlName = (url: string) => {
  const path = url.replace(/[?#].*$/, '').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name === '' ? null : name;
};

function copyLike(name: string, args: readonly string[]): Destination[] {
  const read = readArgs(args, COREUTILS[name]!);
  const trees = name === 'mv' || name === 'ln' || has(read, '-r', '-R', '-a', '--recursive', '--archive');
  const target = valuesOf(read, '-t', '--target-directory').at(-1);
  if (target !== undefined) return intoFolder(target, read.operands, trees);
  if (name === 'install' && has(read, '-d', '--directory')) return read.operands.map((p) => ({ path: p, folder: true }));
  if (read.operands.length >= 2) return intoFolder(read.operands.at(-1)!, read.operands.slice(0, -1), trees);
  // `ln -s /some/where/x` makes ./x.
  if (name === 'ln' && read.operands.length === 1) return intoFolder('.', read.operands, true).slice(1);
  return [];
}

function rsyncLike(args: readonly string[], spec: OptionSpec): Destination[] {
  const read = readArgs(args, spec);
  const out: Destination[] = valuesOf(read, '--backup-dir', '--log-file', '--temp-dir', '-T', '--partial-dir', '--write-batch', '--only-write-batch').map((p) => ({ path: p, folder: true }));
  if (read.operands.length < 2) return out;
  const dest = read.operands.at(-1)!;
  if (isRemote(dest)) return out;
  // `rsync src/ dest` copies the contents of src into dest; `rsync src dest` makes dest/src.
  return [...out, ...intoFolder(dest, read.operands.slice(0, -1).filter((s) => !s.endsWith('/')), true)];
}

function curl(args: readonly string[]): Destination[] {
  const read = readArgs(args, CURL);
  const files = valuesOf(read, '-o', '--output', '-D', '--dump-header', '-c', '--cookie-jar', '--stderr', '--trace', '--trace-ascii', '--libcurl', '--etag-save', '--hsts', '--alt-svc').filter((p) => p !== '-');
  const out: Destination[] = files.map((p) => ({ path: p, folder: true }));
  if (has(read, '-O', '--remote-name', '--remote-name-all', '-J', '--remote-header-name') || valuesOf(read, '--output-dir').length > 0) {
    const folder = valuesOf(read, '--output-dir').at(-1) ?? '.';
    out.push({ path: folder, folder: true });
    for (const url of read.operands) {
      const name = urlName(url);
      if (name) out.push({ path: posix.join(folder, name), folder: true });
    }
  }
  return out;
}

/** wgetrc commands given with -e that say where files go. */
function wgetExecute(command: string): Destination | null {
  const m = /^\s*([A-Za-z_-]+)\s*=\s*(.*?)\s*$/.exec(command);
  if (!m) return null;
  const key = m[1]!.replace(/[_-]/g, '').toLowerCase();
  if (key === 'dirprefix' || key === 'outputdocument' || key === 'logfile') return { path: m[2]!, folder: true };
  return null;
}

function wget(args: readonly string[]): Destination[] {
  const read = readArgs(args, WGET);
  if (has(read, '--spider')) return [];
  const out: Destination[] = valuesOf(read, '-o', '--output-file', '-a', '--append-output').map((p) => ({ path: p, folder: true }));
  for (const e of valuesOf(read, '-e', '--execute')) {
    const d = wgetExecute(e);
    if (d) out.push(d);
  }
  const document = valuesOf(read, '-O', '--output-document').at(-1);
  if (document !== undefined) {
    if (document !== '-') out.push({ path: document, folder: true });
    return out;
  }
  const folder = valuesOf(read, '-P', '--directory-prefix').at(-1) ?? '.';
  out.push({ path: folder, folder: true });
  for (const url of read.operands) {
    const name = urlName(url);
    if (name) out.push({ path: posix.join(folder, name), folder: true });
  }
  return out;
}

function tar(args: readonly string[]): Destination[] {
  let words = [...args];
  const oldStyle: ReadArgs['options'] = [];
  if (words[0] !== undefined && /^[A-Za-z]+$/.test(words[0])) {
    // Old-style letters: `tar xzf a.tgz -C dir`.
    const letters = words.shift()!;
    for (const letter of letters) oldStyle.push([`-${letter}`, TAR_OLD_VALUE_LETTERS.includes(letter) ? (words.shift() ?? '') : null]);
    words = [...words];
  }
  const parsed = readArgs(words, TAR);
  const read: ReadArgs = { operands: parsed.operands, options: [...oldStyle, ...parsed.options] };
  const out: Destination[] = valuesOf(read, '--index-file', '-g', '--listed-incremental').map((p) => ({ path: p, folder: true }));
  if (has(read, '-c', '--create', '-r', '--append', '-u', '--update', '-A', '--catenate', '--concatenate')) {
    for (const f of valuesOf(read, '-f', '--file')) if (f !== '-') out.push({ path: f, folder: true });
    return out;
  }
  if (!has(read, '-x', '--extract', '--get') || has(read, '-O', '--to-stdout', '--to-command')) return out;
  // Each -C is relative to the one before.
  let folder = '.';
  for (const [flag, value] of read.options) if ((flag === '-C' || flag === '--directory') && value !== null) folder = posix.join(folder, value);
  out.push({ path: folder, folder: true });
  if (!has(read, '--transform', '--xform')) {
    const strip = Number(valuesOf(read, '--strip-components').at(-1) ?? 0);
    for (const member of read.operands) {
      const kept = member.split('/').slice(Number.isInteger(strip) && strip > 0 ? strip : 0).join('/');
      if (kept) out.push({ path: posix.join(folder, kept), folder: true });
    }
  }
  return out;
}

function unzip(args: readonly string[]): Destination[] {
  const read = readArgs(args, { short: 'dP' });
  if (has(read, '-p', '-l', '-t', '-v', '-Z', '-z')) return [];
  const folder = valuesOf(read, '-d').at(-1) ?? '.';
  // After the archive, the operands name members (up to -x, whose list readArgs leaves among them: checking more is safe).
  return [{ path: folder, folder: true }, ...read.operands.slice(1).map((m) => ({ path: posix.join(folder, m), folder: true }))];
}

const COMPRESSED_SUFFIX = /\.(?:gz|tgz|bz2|xz|lzma|zst|z)$/i;

/**
 * gzip and its kin replace each file by its (de)compressed twin beside it: `gunzip .git/config.gz` writes
 * .git/config, `gzip -S .json .claude/task-state` writes .claude/task-state.json. Where the twin's name is
 * not in the command (gunzip -N takes it from the archive; a suffix made at run time), the file's folder is
 * the destination: blocked when it is or holds a protected path, `gunzip -N foo.gz` in the project passes.
 */
function compressor(name: string, args: readonly string[]): Destination[] {
  const read = readArgs(args, { short: 'oSTLM', long: ['suffix', 'threads', 'memlimit', 'format'], abbreviations: true });
  const outputs = valuesOf(read, '-o').map((p) => ({ path: p, folder: false }));
  if (has(read, '-c', '--stdout', '--to-stdout', '-l', '--list', '-t', '--test')) return outputs;
  const suffixes = valuesOf(read, '-S', '--suffix');
  const decompress = /^(?:g?un|bun)/.test(name) || has(read, '-d', '--decompress', '--uncompress');
  const unknownName = (decompress && has(read, '-N', '--name')) || suffixes.some((x) => /[$`]/.test(x));
  // With -f an existing file is overwritten: a name from the archive may then be any dot-file (.git in a linked worktree).
  const force = has(read, '-f', '--force');
  const recursive = has(read, '-r', '--recursive');
  const out: Destination[] = [...outputs];
  for (const p of read.operands) {
    out.push({ path: p, folder: recursive }, { path: p.replace(COMPRESSED_SUFFIX, ''), folder: recursive });
    for (const x of suffixes) {
      if (x === '') continue;
      out.push({ path: decompress && p.endsWith(x) ? p.slice(0, -x.length) : `${p}${x}`, folder: recursive });
    }
    if (unknownName) {
      const folder = posix.dirname(p);
      out.push({ path: folder, folder: true });
      if (force) out.push({ path: posix.join(folder, '.*'), folder: true });
    }
  }
  return out;
}

/** Destinations of a git subcommand, relative to git's own folder (`git -C`). */
export function gitDestinations(name: string, args: readonly string[]): Destination[] {
  switch (name) {
    case 'worktree': {
      if (args[0] !== 'add') return [];
      const read = readArgs(args.slice(1), { short: 'bB', long: ['reason'] });
      return read.operands[0] !== undefined ? [{ path: read.operands[0], folder: true }] : [];
    }
    case 'clone': {
      const read = readArgs(args, { short: 'obujc', long: ['origin', 'branch', 'upload-pack', 'reference', 'reference-if-able', 'separate-git-dir', 'depth', 'shallow-since', 'shallow-exclude', 'template', 'config', 'jobs', 'filter', 'server-option', 'bundle-uri', 'ref-format'] });
      const out: Destination[] = valuesOf(read, '--separate-git-dir').map((p) => ({ path: p, folder: true }));
      const [repo, dir] = read.operands;
      const made = dir ?? (repo ? urlName(repo.replace(/\/+$/, ''))?.replace(/\.git$/, '') : undefined);
      if (made) out.push({ path: made, folder: true });
      return out;
    }
    case 'checkout-index':
      return readArgs(args, { long: ['prefix', 'stage'] }).options.filter(([f, v]) => f === '--prefix' && v !== null).map(([, v]) => ({ path: v!, folder: true }));
    case 'archive':
      return valuesOf(readArgs(args, { short: 'o', long: ['output', 'format', 'prefix', 'remote', 'exec', 'add-file', 'add-virtual-file'] }), '-o', '--output').map((p) => ({ path: p, folder: true }));
    case 'format-patch':
      return valuesOf(readArgs(args, { short: 'ov', long: ['output-directory', 'subject-prefix', 'in-reply-to', 'to', 'cc', 'from', 'signature', 'signature-file', 'base', 'suffix', 'interdiff', 'range-diff', 'creation-factor', 'filename-max-length', 'start-number', 'reroll-count', 'cover-from-description', 'description-file'] }), '-o', '--output-directory').map((p) => ({ path: p, folder: true }));
    case 'diff':
    case 'log':
    case 'show':
    case 'diff-tree':
    case 'diff-index':
    case 'diff-files':
    case 'range-diff':
      return args.filter((a) => a.startsWith('--output=')).map((a) => ({ path: a.slice(9), folder: true }));
    case 'bundle':
      return args[0] === 'create' && readArgs(args.slice(1), {}).operands[0] !== undefined ? [{ path: readArgs(args.slice(1), {}).operands[0]!, folder: true }] : [];
    default:
      return [];
  }
}

/** Destinations of one command word outside git (git's are read with its global options in the rules). */
export function destinationsOf(name: string, args: readonly string[]): Destination[] {
  switch (name) {
    case 'cp':
    case 'mv':
    case 'ln':
    case 'install':
      return copyLike(name, args);
    case 'rsync':
      return rsyncLike(args, RSYNC);
    case 'scp':
      return rsyncLike(args, SCP);
    case 'curl':
      return curl(args);
    case 'wget':
      return wget(args);
    case 'tar':
    case 'gtar':
    case 'bsdtar':
      return tar(args);
    case 'unzip':
      return unzip(args);
    case 'gzip':
    case 'gunzip':
    case 'bzip2':
    case 'bunzip2':
    case 'xz':
    case 'unxz':
    case 'zstd':
    case 'unzstd': {
      return compressor(name, args);
    }
    case 'dd':
      return args.filter((a) => a.startsWith('of=')).map((a) => ({ path: a.slice(3), folder: true }));
    default:
      return [];
  }
}
