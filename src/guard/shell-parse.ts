import { posix } from 'node:path';

/**
 * A small POSIX-shell reader for the agent guard: enough of the grammar to
 * see every simple command a string would run, including the ones hidden in
 * `$(…)`, backticks, subshells, `sh -c '…'`, `eval`, and wrappers such as
 * `env X=1`, `sudo`, `xargs`, `timeout`. It never runs anything. Where the
 * text is not understood it throws, and the guard fails closed.
 */
export interface Redirect {
  op: string;
  target: string;
}

export interface SimpleCommand {
  /** The words after leading NAME=value assignments. */
  argv: string[];
  assignments: Array<[string, string]>;
  redirects: Redirect[];
  /** Its standard input comes from a pipe (`… | sh`). */
  piped?: boolean;
  /** Set when the command runs text the guard cannot see (a shell fed by a pipe, `sh -c "$(…)"`): why. */
  opaque?: string;
}

export class ShellParseError extends Error {}

const SEPARATORS = new Set([';', '&', '|', '\n', '(', ')']);
const MAX_DEPTH = 8;

interface Cursor {
  src: string;
  i: number;
}

/** Reads `$(…)` from just after `$(`: returns the inner text, honouring quotes and nesting. */
function readParenBody(c: Cursor): string {
  let depth = 1;
  const start = c.i;
  // Here-documents inside: their bodies are text (an apostrophe in a commit message is no quote).
  const heredocs: Array<{ delimiter: string; tabs: boolean }> = [];
  while (c.i < c.src.length) {
    const ch = c.src[c.i]!;
    if (ch === '\\') {
      c.i += 2;
      continue;
    }
    if (ch === '<' && c.src[c.i + 1] === '<' && c.src[c.i + 2] !== '<') {
      const m = /^<<(-?)[ \t]*(?:'([^'\n]*)'|"([^"\n]*)"|\\?([^\s;&|()<>]+))/.exec(c.src.slice(c.i));
      if (m && !(m[4] !== undefined && /^\d/.test(m[4]))) {
        heredocs.push({ delimiter: m[2] ?? m[3] ?? m[4]!, tabs: m[1] === '-' });
        c.i += m[0].length;
        continue;
      }
    }
    if (ch === '\n' && heredocs.length > 0) {
      c.i++;
      for (const h of heredocs.splice(0)) {
        for (;;) {
          const end = c.src.indexOf('\n', c.i);
          const line = c.src.slice(c.i, end < 0 ? c.src.length : end);
          if (end < 0) throw new ShellParseError(`here-document without its ${h.delimiter} line inside $(…)`);
          c.i = end + 1;
          if ((h.tabs ? line.replace(/^\t+/, '') : line) === h.delimiter) break;
        }
      }
      continue;
    }
    if (ch === "'") {
      const end = c.src.indexOf("'", c.i + 1);
      if (end < 0) throw new ShellParseError('unterminated single quote inside $(…)');
      c.i = end + 1;
      continue;
    }
    if (ch === '"') {
      c.i++;
      while (c.i < c.src.length && c.src[c.i] !== '"') c.i += c.src[c.i] === '\\' ? 2 : 1;
      c.i++;
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') {
      depth--;
      if (depth === 0) {
        c.i++;
        return c.src.slice(start, c.i - 1);
      }
    }
    c.i++;
  }
  throw new ShellParseError('unterminated $(…)');
}

function readBacktickBody(c: Cursor): string {
  let out = '';
  while (c.i < c.src.length) {
    const ch = c.src[c.i]!;
    if (ch === '\\' && c.i + 1 < c.src.length) {
      out += c.src[c.i + 1];
      c.i += 2;
      continue;
    }
    if (ch === '`') {
      c.i++;
      return out;
    }
    out += ch;
    c.i++;
  }
  throw new ShellParseError('unterminated backtick');
}

const ANSI_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', e: '\x1b', '0': '\0' };

/**
 * Splits source into commands. `nested` collects the sources of command
 * substitutions, which run too and are parsed by the caller.
 */
function tokenize(src: string, nested: string[]): SimpleCommand[] {
  const c: Cursor = { src, i: 0 };
  const commands: SimpleCommand[] = [];
  let current: SimpleCommand = { argv: [], assignments: [], redirects: [] };
  let word = '';
  let inWord = false;
  let pendingRedirect: string | null = null;
  const heredocs: string[] = [];

  const endWord = () => {
    if (!inWord) return;
    if (pendingRedirect !== null) {
      // `$((1<<2))` and `(( x << 3 ))` shift bits: a number after `<<` is arithmetic, not a here-document delimiter.
      if (pendingRedirect.startsWith('<<') && !pendingRedirect.startsWith('<<<')) {
        if (!/^\d+$/.test(word)) heredocs.push(word);
      }
      else current.redirects.push({ op: pendingRedirect, target: word });
      pendingRedirect = null;
    } else if (current.argv.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
      const eq = word.indexOf('=');
      current.assignments.push([word.slice(0, eq), word.slice(eq + 1)]);
    } else current.argv.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (pendingRedirect !== null) throw new ShellParseError(`redirection ${pendingRedirect} without a target`);
    if (current.argv.length > 0 || current.assignments.length > 0 || current.redirects.length > 0) commands.push(current);
    current = { argv: [], assignments: [], redirects: [] };
  };
  const skipHeredocBodies = () => {
    // After the newline that ends a command line, each pending here-document's body runs up to its delimiter line.
    for (const raw of heredocs.splice(0)) {
      const delimiter = raw.replace(/^-/, '');
      for (;;) {
        const end = src.indexOf('\n', c.i);
        const line = src.slice(c.i, end < 0 ? src.length : end);
        c.i = end < 0 ? src.length : end + 1;
        if (line.replace(/^\t+/, '') === delimiter || end < 0) break;
      }
    }
  };

  while (c.i < src.length) {
    const ch = src[c.i]!;
    if (ch === ' ' || ch === '\t') {
      endWord();
      c.i++;
      continue;
    }
    if (ch === '#' && !inWord) {
      while (c.i < src.length && src[c.i] !== '\n') c.i++;
      continue;
    }
    if (ch === '\\') {
      if (src[c.i + 1] === '\n') {
        c.i += 2;
        continue;
      }
      word += src[c.i + 1] ?? '';
      inWord = true;
      c.i += 2;
      continue;
    }
    if (ch === "'") {
      const end = src.indexOf("'", c.i + 1);
      if (end < 0) throw new ShellParseError('unterminated single quote');
      word += src.slice(c.i + 1, end);
      inWord = true;
      c.i = end + 1;
      continue;
    }
    if (ch === '$' && src[c.i + 1] === "'") {
      c.i += 2;
      while (c.i < src.length && src[c.i] !== "'") {
        if (src[c.i] === '\\') {
          // \xHH, \NNN, \uHHHH and \UHHHHHHHH spell any character, a command name included ($'\x67it' is git).
          const rest = src.slice(c.i + 1);
          const code = /^x([0-9a-fA-F]{1,2})/.exec(rest) ?? /^u([0-9a-fA-F]{1,4})/.exec(rest) ?? /^U([0-9a-fA-F]{1,8})/.exec(rest);
          const octal = /^([0-7]{1,3})/.exec(rest);
          if (code) {
            word += String.fromCodePoint(Number.parseInt(code[1]!, 16) % 0x110000);
            c.i += 1 + code[0].length;
          } else if (octal) {
            word += String.fromCharCode(Number.parseInt(octal[1]!, 8) & 0xff);
            c.i += 1 + octal[0].length;
          } else {
            word += ANSI_ESCAPES[src[c.i + 1]!] ?? src[c.i + 1] ?? '';
            c.i += 2;
          }
        } else word += src[c.i++];
      }
      if (c.i >= src.length) throw new ShellParseError("unterminated $'…'");
      c.i++;
      inWord = true;
      continue;
    }
    if (ch === '"') {
      c.i++;
      inWord = true;
      while (c.i < src.length && src[c.i] !== '"') {
        const d = src[c.i]!;
        if (d === '\\' && '"\\$`\n'.includes(src[c.i + 1] ?? '')) {
          if (src[c.i + 1] !== '\n') word += src[c.i + 1];
          c.i += 2;
        } else if (d === '$' && src[c.i + 1] === '(' && src[c.i + 2] !== '(') {
          c.i += 2;
          const body = readParenBody(c);
          nested.push(body);
          word += `$(${body})`;
        } else if (d === '`') {
          c.i++;
          const body = readBacktickBody(c);
          nested.push(body);
          word += `\`${body}\``;
        } else {
          word += d;
          c.i++;
        }
      }
      if (c.i >= src.length) throw new ShellParseError('unterminated double quote');
      c.i++;
      continue;
    }
    if (ch === '$' && src[c.i + 1] === '(' && src[c.i + 2] !== '(') {
      c.i += 2;
      const body = readParenBody(c);
      nested.push(body);
      word += `$(${body})`;
      inWord = true;
      continue;
    }
    if (ch === '`') {
      c.i++;
      const body = readBacktickBody(c);
      nested.push(body);
      word += `\`${body}\``;
      inWord = true;
      continue;
    }
    if ((ch === '<' || ch === '>') && src[c.i + 1] === '(') {
      // Process substitution, <(cmd) or >(cmd): a word naming a pipe, and a command of its own that is checked like $(…).
      c.i += 2;
      const body = readParenBody(c);
      nested.push(body);
      word += `${ch}(${body})`;
      inWord = true;
      continue;
    }
    if (ch === '>' || ch === '<' || (ch === '&' && src[c.i + 1] === '>')) {
      // An fd number right before the operator (2>) belongs to the operator, not to the command.
      if (inWord && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      } else endWord();
      const op = /^(?:&>>|&>|>>|>\||>&|<<<|<<-|<<|<>|<&|>|<)/.exec(src.slice(c.i))![0];
      c.i += op.length;
      pendingRedirect = op;
      if (op === '>&' || op === '<&') {
        // Duplicating a descriptor (2>&1) names no file.
        const m = /^\s*[0-9-]+/.exec(src.slice(c.i));
        if (m) {
          c.i += m[0].length;
          pendingRedirect = null;
        } else pendingRedirect = '>';
      }
      continue;
    }
    if (SEPARATORS.has(ch)) {
      endCommand();
      const pipe = ch === '|' && src[c.i + 1] !== '|';
      c.i += ch === '&' && src[c.i + 1] === '&' ? 2 : ch === '|' && (src[c.i + 1] === '|' || src[c.i + 1] === '&') ? 2 : 1;
      if (pipe) current.piped = true;
      if (ch === '\n') skipHeredocBodies();
      continue;
    }
    word += ch;
    inWord = true;
    c.i++;
  }
  endCommand();
  return commands;
}

export interface GitInvocation {
  name: string;
  args: string[];
  configs: string[];
  dir: string | null;
  /** --work-tree: where git writes the files it checks out. */
  workTree: string | null;
}

const GIT_GLOBAL_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env', '--super-prefix', '--list-cmds']);

export function gitSubcommand(argv: readonly string[]): GitInvocation | null {
  if (base(argv[0] ?? '') !== 'git') return null;
  const configs: string[] = [];
  let dir: string | null = null;
  let workTree: string | null = null;
  let i = 1;
  for (; i < argv.length; i++) {
    const w = argv[i]!;
    if (!w.startsWith('-')) break;
    const [flag, inline] = w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, null];
    if (GIT_GLOBAL_WITH_VALUE.has(flag) || (flag === '-c' && inline === null)) {
      const value = inline ?? argv[++i] ?? '';
      if (flag === '-c' || flag === '--config-env') configs.push(value);
      if (flag === '-C') dir = dir ? posix.join(dir, value) : value;
      if (flag === '--work-tree') workTree = value;
    }
  }
  const name = argv[i];
  return name ? { name, args: argv.slice(i + 1), configs, dir, workTree } : null;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'fish']);
/** Wrappers whose remaining words are a command, with how many option words they take. */
const PREFIX_COMMANDS = new Set(['command', 'builtin', 'exec', 'nohup', 'time', 'stdbuf', 'chronic', 'unbuffer', 'caffeinate', 'setsid', 'then', 'do', 'else', '!', '{', 'if', 'while', 'until']);

const base = (word: string) => word.slice(word.lastIndexOf('/') + 1);
/** Text whose words only exist once it runs: a substitution or a variable. */
const madeAtRunTime = (text: string) => /\$\(|`|\$\{?[A-Za-z_@*0-9]/.test(text);
const excerpt = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
const opaque = (cmd: SimpleCommand, reason: string): SimpleCommand => ({ argv: [], assignments: [], redirects: [], opaque: reason, ...(cmd.piped ? { piped: true } : {}) });

const shellQuote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;

/** The values of an option in its spellings: `--name=V`, `--name V`, `-xV`, `-x V`, and a cluster ending in the letter (`-ix V`). */
function optionValues(args: readonly string[], longs: readonly string[], letters: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    const eq = a.indexOf('=');
    if (a.startsWith('--')) {
      const flag = eq < 0 ? a : a.slice(0, eq);
      if (longs.includes(flag)) out.push(eq < 0 ? (args[++i] ?? '') : a.slice(eq + 1));
    } else if (a.startsWith('-') && letters) {
      const at = [...a.slice(1)].findIndex((l) => letters.includes(l));
      if (at >= 0) out.push(at + 2 < a.length ? a.slice(at + 2) : (args[++i] ?? ''));
    }
  }
  return out;
}

/**
 * Shell text a command runs for itself: `git rebase --exec`, `git submodule
 * foreach`, `git bisect run`, `git difftool -x`, `git filter-branch
 * --tree-filter`, tar's `--to-command` and compress programs, rsync's `-e`,
 * `script -c`, `su -c`, `flock -c`. It runs like `sh -c`, so it is read the same way.
 */
function embeddedScripts(name: string, argv: readonly string[]): string[] {
  const args = argv.slice(1);
  switch (name) {
    case 'git': {
      const git = gitSubcommand(argv);
      if (!git) return [];
      if (git.name === 'rebase') return optionValues(git.args, ['--exec'], 'x');
      if (git.name === 'difftool' || git.name === 'mergetool') return optionValues(git.args, ['--extcmd', '--tool-cmd'], 'x');
      if (git.name === 'filter-branch') return optionValues(git.args, ['--env-filter', '--tree-filter', '--index-filter', '--parent-filter', '--msg-filter', '--commit-filter', '--tag-name-filter'], '');
      const rest = git.args.filter((a) => !a.startsWith('-'));
      if (git.name === 'submodule' && rest[0] === 'foreach') return [git.args.slice(git.args.indexOf('foreach') + 1).filter((a, i, all) => !(a.startsWith('-') && all.slice(0, i).every((b) => b.startsWith('-')))).join(' ')];
      if (git.name === 'bisect' && rest[0] === 'run') return [git.args.slice(git.args.indexOf('run') + 1).map(shellQuote).join(' ')];
      return [];
    }
    case 'tar':
    case 'gtar':
      return [
        ...optionValues(args, ['--to-command', '--use-compress-program', '--info-script', '--new-volume-script', '--rsh-command'], 'IF'),
        ...args.filter((a) => a.startsWith('--checkpoint-action=exec=')).map((a) => a.slice('--checkpoint-action=exec='.length)),
      ];
    case 'rsync':
      return optionValues(args, ['--rsh'], 'e');
    case 'script':
    case 'su':
    case 'runuser':
    case 'flock':
      return optionValues(args, ['--command'], 'c');
    default:
      return [];
  }
}

/** Unwraps `env`, `sudo`, `timeout`, `xargs`, `sh -c`, `eval`, … into the commands they run. */
function unwrap(cmd: SimpleCommand, depth: number, out: SimpleCommand[]): void {
  let argv = [...cmd.argv];
  const assignments = [...cmd.assignments];
  const start = out.length;
  let chdir: string | null = null;
  let done = false;
  for (let guard = 0; guard < 16 && argv.length > 0; guard++) {
    const name = base(argv[0]!);
    if (PREFIX_COMMANDS.has(name)) {
      argv = argv.slice(1);
      while (argv[0]?.startsWith('-') && name !== '!') argv = argv.slice(1);
      continue;
    }
    if (name === 'env') {
      let i = 1;
      for (; i < argv.length; i++) {
        const w = argv[i]!;
        if (w === '--') {
          i++;
          break;
        }
        if (w === '-C' || w === '--chdir') chdir = argv[++i] ?? '';
        else if (w.startsWith('--chdir=')) chdir = w.slice(8);
        else if (/^-C./.test(w)) chdir = w.slice(2);
        else if (w === '-u' || w === '--unset' || w === '-S') i++;
        else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) assignments.push([w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]);
        else if (!w.startsWith('-')) break;
      }
      for (; i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!); i++) {
        const w = argv[i]!;
        assignments.push([w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]);
      }
      argv = argv.slice(i);
      continue;
    }
    if (name === 'sudo' || name === 'doas') {
      let i = 1;
      while (i < argv.length && argv[i]!.startsWith('-')) {
        if (argv[i] === '-D' || argv[i] === '--chdir') chdir = argv[i + 1] ?? '';
        else if (argv[i]!.startsWith('--chdir=')) chdir = argv[i]!.slice(8);
        i += /^-[ugpCDhrt]$|^--chdir$/.test(argv[i]!) ? 2 : 1;
      }
      while (i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!)) {
        const w = argv[i++]!;
        assignments.push([w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]);
      }
      argv = argv.slice(i);
      continue;
    }
    if (name === 'timeout' || name === 'nice' || name === 'ionice' || (name === 'flock' && optionValues(argv.slice(1), ['--command'], 'c').length === 0) || name === 'watch') {
      let i = 1;
      while (i < argv.length && argv[i]!.startsWith('-')) i += /^-(n|s|k|c|w|d)$/.test(argv[i]!) ? 2 : 1;
      if (name === 'timeout' || name === 'flock') i++;
      argv = argv.slice(i);
      continue;
    }
    if (name === 'xargs') {
      let i = 1;
      while (i < argv.length && argv[i]!.startsWith('-')) i += /^-[IiLlnPsEdaI]$/.test(argv[i]!) ? 2 : 1;
      argv = argv.slice(i);
      continue;
    }
    if (SHELLS.has(name)) {
      const ci = argv.findIndex((w, i) => i > 0 && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w));
      if (ci > 0 && argv[ci + 1] !== undefined) {
        const script = argv[ci + 1]!;
        if (madeAtRunTime(script)) out.push(opaque(cmd, `${name} -c runs text made when it runs (${excerpt(script)}), which the guard cannot read`));
        out.push(...parseShell(script, depth + 1));
        done = true;
        break;
      }
      // No -c: a script file (the guard cannot read files; see the README), or commands on standard input.
      const script = argv.slice(1).find((w) => !w.startsWith('-'));
      if (script === undefined && (cmd.piped || cmd.redirects.some((r) => r.op === '<' || r.op === '<<<'))) {
        out.push(opaque(cmd, `${name} reading commands from its input runs text the guard never sees`));
        done = true;
        break;
      }
      break;
    }
    if (name === 'eval' || name === 'source' || name === '.') {
      const text = argv.slice(1).join(' ');
      if (name !== 'eval' && !/^<\(/.test(text)) break;
      if (madeAtRunTime(text) || name !== 'eval') out.push(opaque(cmd, `${name} runs text made when it runs (${excerpt(text)}), which the guard cannot read`));
      out.push(...parseShell(name === 'eval' ? text : text.slice(2, -1), depth + 1));
      done = true;
      break;
    }
    const scripts = embeddedScripts(name, argv);
    if (scripts.length > 0) {
      for (const script of scripts) {
        if (madeAtRunTime(script)) out.push(opaque(cmd, `${name} runs a command made when it runs (${excerpt(script)}), which the guard cannot read`));
        out.push(...parseShell(script, depth + 1));
      }
      break;
    }
    if (name === 'find') {
      // -exec/-execdir/-ok run a command of their own, up to `;` or `+`.
      for (let i = 1; i < argv.length; i++) {
        if (!/^-(exec|execdir|ok|okdir)$/.test(argv[i]!)) continue;
        let j = i + 1;
        while (j < argv.length && argv[j] !== ';' && argv[j] !== '+') j++;
        if (j > i + 1) unwrap({ argv: argv.slice(i + 1, j), assignments: [], redirects: [] }, depth + 1, out);
        i = j;
      }
      break;
    }
    break;
  }
  if (!done) out.push({ argv, assignments, redirects: cmd.redirects, ...(cmd.piped ? { piped: true } : {}) });
  // `env -C DIR cmd` runs cmd in DIR: the rules follow it like `pushd DIR; cmd; popd`.
  if (chdir !== null) {
    out.splice(start, 0, { argv: ['pushd', chdir], assignments: [], redirects: [] });
    out.push({ argv: ['popd'], assignments: [], redirects: [] });
  }
}

/** Every simple command the source would run, wrappers unwrapped and substitutions included. */
export function parseShell(src: string, depth = 0): SimpleCommand[] {
  if (depth > MAX_DEPTH) throw new ShellParseError('commands nested too deeply to inspect');
  const nested: string[] = [];
  const raw = tokenize(src, nested);
  const out: SimpleCommand[] = [];
  for (const cmd of raw) unwrap(cmd, depth, out);
  for (const body of nested) out.push(...parseShell(body, depth + 1));
  return out;
}
