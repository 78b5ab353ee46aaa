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
  /** The descriptor written before the operator (`3<<EOF`, `2>`), when one was. */
  fd?: number;
  /** A here-document's body (`<<`, `<<-`), read after the line ends; `expands` when its delimiter was unquoted. */
  body?: string;
  expands?: boolean;
}

export interface SimpleCommand {
  /** The words after leading NAME=value assignments. */
  argv: string[];
  assignments: Array<[string, string]>;
  redirects: Redirect[];
  /** Its standard input comes from a pipe (`… | sh`). */
  piped?: boolean;
  /**
   * Words holding `$` or a backquote only inside single quotes (`sh -c 'for f in *; do echo $f; done'`): the
   * shell passes them on as written, so a shell that runs one parses exactly this text.
   */
  literals?: string[];
  /** Set when the command runs text the guard cannot see (a shell fed by a pipe, `sh -c "$(…)"`): why. */
  opaque?: string;
  /**
   * A marker, not a command: a subshell (`( … )`, `$(…)`) begins (`open`) or ends (`close`). Its `cd`s and
   * assignments end with it, and a substitution runs where the shell stands when it reaches it.
   */
  scope?: 'open' | 'close' | 'end';
  /**
   * It may not run: it follows `&&` or `||`, or is inside `if`, `case` or a loop. A cd there moves the
   * shell or not; the `end` marker closes the list after which that is no longer known.
   */
  conditional?: boolean;
}

export class ShellParseError extends Error {}

const SEPARATORS = new Set([';', '&', '|', '\n', '(', ')']);
const MAX_DEPTH = 8;

/** Reserved words after which a new command begins: `{ X=1 git …; }` assigns X like `X=1 git …` does. */
const COMMAND_STARTS = new Set(['{', '!', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', 'time']);

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
  // `$(case $x in a) … ;; esac)`: a pattern's `)` closes nothing. One entry per open case: waiting for `in`,
  // reading a pattern, or in the commands of a branch.
  const cases: Array<'in' | 'pattern' | 'body'> = [];
  let commandStart = true;
  // Inside a pattern: parentheses of its own (`@(a|b)`, `$(…)`), and whether it has begun (a leading `(` is optional syntax).
  let patternDepth = 0;
  let patternBegun = false;
  // The word after `case` (its subject, `$(…)` or `$((…))` included) has begun: the next `in` is the keyword.
  let subjectSeen = false;
  while (c.i < c.src.length) {
    const ch = c.src[c.i]!;
    const keyword = /^(case|in|esac)(?=[\s;&|()<>]|$)/.exec(c.src.slice(c.i, c.i + 5))?.[1];
    const wordStart = c.i === start || /[\s;&|()]/.test(c.src[c.i - 1]!);
    if (keyword && wordStart) {
      const top = cases.at(-1);
      // The word after `case` is its subject, and a pattern is a word: neither opens a case.
      const known = keyword === 'case' ? commandStart && top !== 'in' && top !== 'pattern' : keyword === 'in' ? top === 'in' && subjectSeen : top === 'pattern' ? patternDepth === 0 && !patternBegun : top === 'body' && commandStart;
      if (known) {
        if (keyword === 'case') {
          cases.push('in');
          subjectSeen = false;
        }
        else if (keyword === 'in') cases[cases.length - 1] = 'pattern';
        else cases.pop();
        patternDepth = 0;
        patternBegun = false;
        c.i += keyword.length;
        commandStart = keyword === 'in';
        continue;
      }
    }
    if (cases.at(-1) === 'pattern' && (ch === '(' || ch === ')')) {
      if (ch === '(' && !patternBegun) patternBegun = true;
      else if (ch === '(') patternDepth++;
      else if (patternDepth > 0) patternDepth--;
      else {
        cases[cases.length - 1] = 'body';
        commandStart = true;
      }
      c.i++;
      continue;
    }
    if (cases.at(-1) === 'pattern' && !/\s/.test(ch)) patternBegun = true;
    if (cases.at(-1) === 'in' && !/\s/.test(ch)) subjectSeen = true;
    if (cases.at(-1) === 'body' && ch === ';' && (c.src[c.i + 1] === ';' || c.src[c.i + 1] === '&')) {
      cases[cases.length - 1] = 'pattern';
      patternDepth = 0;
      patternBegun = false;
      c.i += c.src[c.i + 1] === ';' && c.src[c.i + 2] === '&' ? 3 : 2;
      continue;
    }
    // After a reserved word such as `then`, `do` or `if`, a command begins.
    const reserved = wordStart ? /^(?:then|do|else|elif|if|while|until|time|\{|!)(?=\s)/.exec(c.src.slice(c.i, c.i + 6)) : null;
    if (reserved) {
      c.i += reserved[0].length;
      commandStart = true;
      continue;
    }
    if (/[;&|()\n]/.test(ch)) commandStart = true;
    else if (!/\s/.test(ch)) commandStart = false;
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

/** A simple command and the sources of the command substitutions in its words, which run just before it. */
interface RawCommand {
  cmd: SimpleCommand;
  nested: string[];
}

/** The command substitutions in text the shell expands without parsing it as commands (a here-document's body). */
function substitutionsIn(text: string): string[] {
  const out: string[] = [];
  const c: Cursor = { src: text, i: 0 };
  while (c.i < text.length) {
    const ch = text[c.i]!;
    if (ch === '\\') c.i += 2;
    else if (ch === '$' && text[c.i + 1] === '(' && text[c.i + 2] !== '(') {
      c.i += 2;
      out.push(readParenBody(c));
    } else if (ch === '`') {
      c.i++;
      out.push(readBacktickBody(c));
    } else c.i++;
  }
  return out;
}

/** Splits source into commands; the caller parses each one's substitutions. */
function tokenize(src: string): RawCommand[] {
  const c: Cursor = { src, i: 0 };
  const commands: RawCommand[] = [];
  let nested: string[] = [];
  let current: SimpleCommand = { argv: [], assignments: [], redirects: [] };
  let word = '';
  let inWord = false;
  let pendingRedirect: string | null = null;
  let pendingFd: number | null = null;
  // The word has a `$…` or a backquote the shell expands (outside single quotes).
  let expands = false;
  // A quote or backslash anywhere in a here-document's delimiter keeps its body as text; otherwise `$(…)` in it runs.
  let quoted = false;
  const heredocs: Array<{ delimiter: string; expands: boolean; tabs: boolean; owner: string[]; redirect: Redirect }> = [];
  // Inside `case … esac`, a `)` ends a pattern, not a subshell.
  let caseDepth = 0;
  // Inside if/while/until/for/select/case, and after && or ||, a command may not run.
  let blockDepth = 0;
  let afterAndOr = false;

  const endWord = () => {
    if (!inWord) return;
    if (pendingRedirect !== null) {
      // `$((1<<2))` and `(( x << 3 ))` shift bits: a number after `<<` is arithmetic, not a here-document delimiter.
      if (pendingRedirect.startsWith('<<') && !pendingRedirect.startsWith('<<<')) {
        if (!/^\d+$/.test(word)) {
          // The body is the command's input: `bash <<EOF` runs it, `python3 <<EOF` reads it as code.
          const redirect: Redirect = { op: pendingRedirect, target: word, ...(pendingFd !== null ? { fd: pendingFd } : {}) };
          current.redirects.push(redirect);
          heredocs.push({ delimiter: word, expands: !quoted, tabs: pendingRedirect === '<<-', owner: nested, redirect });
        }
      }
      else current.redirects.push({ op: pendingRedirect, target: word, ...(pendingFd !== null ? { fd: pendingFd } : {}) });
      pendingRedirect = null;
      pendingFd = null;
    } else if (current.argv.every((w) => COMMAND_STARTS.has(w)) && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
      const eq = word.indexOf('=');
      current.assignments.push([word.slice(0, eq), word.slice(eq + 1)]);
    } else {
      if (current.argv.length === 0 && !quoted && word === 'case') caseDepth++;
      if (current.argv.length === 0 && !quoted && word === 'esac') caseDepth = Math.max(0, caseDepth - 1);
      if (!expands && /[$`]/.test(word)) (current.literals ??= []).push(word);
      if (current.argv.length === 0 && !quoted && /^(?:if|while|until|for|select|case)$/.test(word)) blockDepth++;
      if (current.argv.length === 0 && !quoted && /^(?:fi|done|esac)$/.test(word)) blockDepth = Math.max(0, blockDepth - 1);
      current.argv.push(word);
    }
    word = '';
    inWord = false;
    quoted = false;
    expands = false;
  };
  const endCommand = () => {
    endWord();
    if (pendingRedirect !== null) throw new ShellParseError(`redirection ${pendingRedirect} without a target`);
    if (afterAndOr || blockDepth > 0) current.conditional = true;
    if (current.argv.length > 0 || current.assignments.length > 0 || current.redirects.length > 0 || nested.length > 0) commands.push({ cmd: current, nested });
    current = { argv: [], assignments: [], redirects: [] };
    nested = [];
  };
  const skipHeredocBodies = () => {
    // After the newline that ends a command line, each pending here-document's body runs up to its delimiter line.
    for (const h of heredocs.splice(0)) {
      // `<<-` strips leading tabs from the body's lines and the delimiter line; plain `<<` strips nothing.
      const delimiter = h.delimiter;
      const start = c.i;
      let bodyEnd = src.length;
      for (;;) {
        const end = src.indexOf('\n', c.i);
        const line = src.slice(c.i, end < 0 ? src.length : end);
        const lineStart = c.i;
        c.i = end < 0 ? src.length : end + 1;
        if ((h.tabs ? line.replace(/^\t+/, '') : line) === delimiter) {
          bodyEnd = lineStart;
          break;
        }
        if (end < 0) break;
      }
      h.redirect.body = src.slice(start, bodyEnd);
      h.redirect.expands = h.expands;
      if (!h.expands) continue;
      const bodies = substitutionsIn(src.slice(start, bodyEnd));
      if (bodies.length === 0) continue;
      h.owner.push(...bodies);
      if (!commands.some((r) => r.nested === h.owner)) commands.push({ cmd: { argv: [], assignments: [], redirects: [] }, nested: h.owner });
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
      quoted = true;
      c.i += 2;
      continue;
    }
    if (ch === "'") {
      const end = src.indexOf("'", c.i + 1);
      if (end < 0) throw new ShellParseError('unterminated single quote');
      word += src.slice(c.i + 1, end);
      inWord = true;
      quoted = true;
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
      quoted = true;
      continue;
    }
    if (ch === '"') {
      c.i++;
      inWord = true;
      quoted = true;
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
          expands = true;
        } else if (d === '`') {
          c.i++;
          const body = readBacktickBody(c);
          nested.push(body);
          word += `\`${body}\``;
          expands = true;
        } else {
          if (d === '$') expands = true;
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
      expands = true;
      continue;
    }
    if (ch === '`') {
      c.i++;
      const body = readBacktickBody(c);
      nested.push(body);
      word += `\`${body}\``;
      inWord = true;
      expands = true;
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
      pendingFd = null;
      if (inWord && /^\d+$/.test(word) && !quoted) {
        pendingFd = Number(word);
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
      // `… | ( sh )` feeds the pipe to the subshell's first command.
      const carriesPipe = ch === '(' && current.argv.length === 0 && current.piped === true;
      endCommand();
      if ((ch === '(' || ch === ')') && caseDepth === 0) commands.push({ cmd: marker(ch === '(' ? 'open' : 'close'), nested: [] });
      if (carriesPipe) current.piped = true;
      const pipe = ch === '|' && src[c.i + 1] !== '|';
      const andOr = (ch === '&' && src[c.i + 1] === '&') || (ch === '|' && src[c.i + 1] === '|');
      c.i += ch === '&' && src[c.i + 1] === '&' ? 2 : ch === '|' && (src[c.i + 1] === '|' || src[c.i + 1] === '&') ? 2 : 1;
      if (pipe) current.piped = true;
      if (andOr) afterAndOr = true;
      else if (ch === ';' || ch === '\n' || ch === '&') {
        afterAndOr = false;
        commands.push({ cmd: marker('end'), nested: [] });
      }
      if (ch === '\n') skipHeredocBodies();
      continue;
    }
    if (ch === '$') expands = true;
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
  // git's commands are programs of their own too: `$(git --exec-path)/git-commit -n` is `git commit -n`.
  const dashed = /^git-([a-z][a-z0-9-]*)$/.exec(base(argv[0] ?? ''));
  if (dashed) return { name: dashed[1]!, args: argv.slice(1), configs: [], dir: null, workTree: null };
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

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'fish', 'mksh', 'yash', 'tcsh', 'csh', 'posh', 'rbash']);
/**
 * Programs that take git's name or a git command line as text, not to run it (`echo git commit -n`, `grep
 * "git commit" notes`, `gh pr create --title "git commit …"`): the rule for programs that may run what they are
 * handed skips them.
 */
const NOT_RUNNERS = new Set(['echo', 'printf', 'print', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack', 'man', 'help', 'info', 'tldr', 'which', 'whereis', 'type', 'apropos', 'whatis', 'cat', 'less', 'more', 'head', 'tail', 'wc', 'ls', 'test', '[', '[[', 'read', 'logger', 'notify-send', 'say', 'gh', 'glab', 'jq', 'yq', 'sed', 'awk', 'tr', 'cut', 'sort', 'uniq', 'diff', 'cmp', 'file', 'stat', 'touch', 'mkdir', 'cd', 'pushd', 'popd', 'export', 'declare', 'local', 'alias', 'unalias', 'hash', 'complete', 'compgen', 'brew', 'apt', 'apt-get', 'dnf', 'yum', 'pacman', 'apk', 'snap', 'choco', 'winget', 'npm', 'pnpm', 'yarn', 'bun', 'pip', 'pip3', 'cargo', 'go', 'wf', 'claude', 'codex', 'gemini', 'curl', 'wget', 'tee', 'xargs', 'command']);

/** Words that close a compound command; a redirection after one applies to all of it. */
const GROUP_CLOSERS = new Set(['}', 'done', 'fi', 'esac']);
/** Paths that are the command's own standard input: `bash /dev/stdin <<EOF` reads the here-document. */
export const STDIN_PATHS = /^\/(dev\/stdin|dev\/fd\/0|proc\/(self|thread-self|\d+)\/fd\/0)$/;
/** Words of the shell's grammar that a command follows: the next word is that command. */
const KEYWORDS = new Set(['then', 'do', 'else', 'elif', '!', '{', 'if', 'while', 'until']);

/**
 * How a wrapper's own options are spelled, so that the word after them is found as the command it runs:
 * a value-taking option that is skipped as a flag makes its value look like the command (`stdbuf -o L rm …`
 * would be a command `L`).
 */
interface WrapperSpec {
  /** Short letters that take a value, attached (`-o0`, `-D.git`) or as the next word (`-o L`). */
  short?: string;
  /** Long options that take the next word as their value; `--name=V` always carries one. */
  long?: readonly string[];
  /** Words after the options that are the wrapper's own: timeout's duration, taskset's mask, chroot's root. */
  operands?: number;
  /** Options that run the command in another folder. */
  chdir?: readonly string[];
  /** Options naming a file the wrapper writes itself. */
  output?: readonly string[];
}

const WRAPPERS: Record<string, WrapperSpec> = {
  command: {},
  builtin: {},
  nohup: {},
  setsid: {},
  chronic: {},
  unbuffer: {},
  fakeroot: {},
  catchsegv: {},
  firejail: {},
  unshare: { short: 'S', long: ['--setuid', '--setgid', '--root', '--wd', '--propagation'], chdir: ['--wd'] },
  valgrind: {},
  runuser: { short: 'ugG', long: ['--user', '--group', '--supp-group'] },
  dotenv: { short: 'ecv' },
  exec: { short: 'a' },
  time: { short: 'fo', long: ['--format', '--output'], output: ['-o', '--output'] },
  stdbuf: { short: 'ioe', long: ['--input', '--output', '--error'] },
  caffeinate: { short: 'tw' },
  timeout: { short: 'sk', long: ['--signal', '--kill-after'], operands: 1 },
  nice: { short: 'n', long: ['--adjustment'] },
  ionice: { short: 'cnpPu', long: ['--class', '--classdata', '--pid', '--pgid', '--uid'] },
  chrt: { short: 'TPD', long: ['--sched-runtime', '--sched-period', '--sched-deadline'], operands: 1 },
  taskset: { operands: 1 },
  flock: { short: 'wE', long: ['--timeout', '--conflict-exit-code'], operands: 1 },
  sudo: {
    short: 'CDghpRrtTUu',
    long: ['--close-from', '--chdir', '--group', '--host', '--prompt', '--chroot', '--role', '--type', '--command-timeout', '--other-user', '--user'],
    // A new root moves relative paths as a new working folder does.
    chdir: ['-D', '--chdir', '-R', '--chroot'],
  },
  doas: { short: 'uC' },
  chroot: { long: ['--userspec', '--groups'], operands: 1 },
  strace: { short: 'abeEIoOpPsSuUX', long: ['--output', '--trace', '--signal', '--status', '--string-limit', '--user', '--env', '--attach', '--trace-path'], output: ['-o', '--output'] },
  ltrace: { short: 'aAeFlnopsuwxD', long: ['--output', '--align', '--indent', '--library', '--user'], output: ['-o', '--output'] },
  watch: { short: 'nq', long: ['--interval', '--equexit'] },
  env: { short: 'uCS', long: ['--unset', '--chdir', '--split-string'], chdir: ['-C', '--chdir'] },
  xargs: { short: 'aEdILnPs', long: ['--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-chars', '--process-slot-var'] },
  parallel: {
    short: 'jSIadELnNPsC',
    long: ['--jobs', '--sshlogin', '--arg-file', '--delimiter', '--colsep', '--results', '--joblog', '--tmpdir', '--workdir', '--wd', '--timeout', '--retries', '--delay', '--env', '--basefile', '--return', '--tagstring', '--max-args', '--max-replace-args', '--halt', '--memfree', '--load', '--nice', '--sshloginfile', '--eof', '--replace'],
    chdir: ['--workdir', '--wd'],
  },
  npx: { short: 'pcw', long: ['--package', '--call', '--workspace', '--cache', '--registry', '--userconfig', '--prefix'] },
  bunx: { short: 'p', long: ['--package'] },
};

interface WrapperRead {
  /** Where the wrapped command begins. */
  at: number;
  options: Array<[flag: string, value: string | null]>;
}

/** Reads a wrapper's options (clusters, attached values, unambiguous long prefixes, `--`) and its own operands. */
function readWrapper(argv: readonly string[], spec: WrapperSpec, from = 1): WrapperRead {
  const options: WrapperRead['options'] = [];
  const long = spec.long ?? [];
  const short = spec.short ?? '';
  let i = from;
  for (; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '--') {
      i++;
      break;
    }
    if (!w.startsWith('-') || w === '-') break;
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const written = eq < 0 ? w : w.slice(0, eq);
      const matches = long.includes(written) ? [written] : long.filter((l) => l.startsWith(written));
      const flag = matches.length === 1 ? matches[0]! : written;
      options.push([flag, eq >= 0 ? w.slice(eq + 1) : matches.length === 1 ? (argv[++i] ?? '') : null]);
      continue;
    }
    let taken = false;
    for (let j = 1; j < w.length && !taken; j++) {
      const letter = w[j]!;
      if (!short.includes(letter)) {
        options.push([`-${letter}`, null]);
        continue;
      }
      options.push([`-${letter}`, j + 1 < w.length ? w.slice(j + 1) : (argv[++i] ?? '')]);
      taken = true;
    }
  }
  return { at: Math.min(argv.length, i + (spec.operands ?? 0)), options };
}

const valueOf = (read: WrapperRead, flags: readonly string[] | undefined) => read.options.filter(([f, v]) => v !== null && (flags ?? []).includes(f)).map(([, v]) => v!);

/** What xargs and parallel put in place of their input, which the guard never sees: a word made at run time. */
export const INPUT_WORD = '${input-of-xargs}';

/** xargs: its command (echo when none), with what it reads from its input as a word made at run time. */
function xargsCommand(argv: readonly string[]): string[] {
  const read = readWrapper(argv, WRAPPERS.xargs!);
  const command = argv.length > read.at ? argv.slice(read.at) : ['echo'];
  // -I R, -i[R] and --replace[=R] put each input line where R stands; otherwise the input words are appended.
  let replace: string | null = null;
  for (const [flag, value] of read.options) {
    if (flag === '-I' && value !== null) replace = value;
  }
  for (const w of argv.slice(1, read.at)) {
    const m = /^-i(.*)$/.exec(w) ?? /^--replace(?:=(.*))?$/.exec(w);
    if (m) replace = m[1] || '{}';
  }
  if (replace === null || replace === '') return [...command, INPUT_WORD];
  return command.map((w) => w.split(replace).join(INPUT_WORD));
}

/**
 * GNU parallel: the command before `:::` (run by a shell, its words joined), once per argument, `{}` and the
 * like replaced by it, or the argument appended. With no command, each argument is a command line.
 */
function parallelScripts(argv: readonly string[]): string[] | null {
  const read = readWrapper(argv, WRAPPERS.parallel!);
  const rest = argv.slice(read.at);
  const sep = rest.findIndex((w) => /^:{3,4}\+?$/.test(w));
  const command = sep < 0 ? rest : rest.slice(0, sep);
  const literal = sep >= 0 && rest[sep]!.startsWith(':::') && !rest[sep]!.startsWith('::::');
  const args = sep < 0 ? [] : rest.slice(sep + 1).filter((w) => !/^:{3,4}\+?$/.test(w)).slice(0, 16);
  if (command.length === 0) return sep >= 0 && literal ? args : null;
  const template = command.join(' ');
  const inputs = literal && args.length > 0 ? args.map(shellQuote) : [INPUT_WORD];
  const REPLACEMENT = /\{(?:\.|\/|\/\/|\/\.|#|%|\d+)?\}/g;
  return inputs.map((input) => (REPLACEMENT.test(template) ? template.replace(REPLACEMENT, () => input) : `${template} ${input}`));
}

/** `npm exec`, `npx`, `pnpm exec|dlx`, `yarn exec|dlx`, `bunx`: the command they run (argv), or shell text (`-c`). */
function packageRunner(argv: readonly string[]): { argv: string[] } | { script: string } | { chdir: string; argv: string[] } | null {
  const name = base(argv[0] ?? '');
  if (name === 'npx' || name === 'bunx' || name === 'pnpx') {
    const read = readWrapper(argv, WRAPPERS[name === 'pnpx' ? 'npx' : name]!);
    const call = valueOf(read, ['-c', '--call']);
    return call.length > 0 ? { script: call.join('; ') } : { argv: argv.slice(read.at) };
  }
  if (name !== 'npm' && name !== 'pnpm' && name !== 'yarn' && name !== 'bun') return null;
  // Global options before the subcommand; pnpm's -C DIR runs everything in DIR.
  let chdir: string | null = null;
  let i = 1;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const w = argv[i]!;
    if (/^(-C|--dir|--prefix|--cwd|--filter|-F|--workspace|-w)$/.test(w)) {
      if (w === '-C' || w === '--dir' || w === '--cwd') chdir = argv[i + 1] ?? '';
      i++;
    } else if (/^(--dir|--cwd)=/.test(w)) chdir = w.slice(w.indexOf('=') + 1);
  }
  const sub = argv[i];
  const runs = sub === 'exec' || sub === 'x' || sub === 'dlx';
  if (!runs || (name === 'bun' && sub !== 'x') || (name === 'npm' && sub === 'dlx')) return null;
  // npm exec -c TEXT runs TEXT; pnpm exec -c (--shell-mode) is a flag.
  const read = readWrapper(argv, name === 'npm' ? { short: 'pcw', long: ['--package', '--call', '--workspace'] } : { short: 'pF', long: ['--package', '--filter'] }, i + 1);
  const call = valueOf(read, ['-c', '--call']);
  const rest = argv.slice(read.at);
  // pnpm exec -c and yarn exec (berry) hand the words to a shell.
  const shell = (name === 'pnpm' && read.options.some(([f]) => f === '-c' || f === '--shell-mode')) || (name === 'yarn' && sub === 'exec');
  if (name === 'npm' && call.length > 0) return { script: call.join('; ') };
  if (shell) return chdir === null ? { script: rest.join(' ') } : { chdir, argv: ['sh', '-c', rest.join(' ')] };
  return chdir === null ? { argv: rest } : { chdir, argv: rest };
}

const base = (word: string) => word.slice(word.lastIndexOf('/') + 1);
const isAbsoluteWord = (word: string) => word.startsWith('/') || word.startsWith('~');
/** Text whose words only exist once it runs: a substitution or a variable. */
const madeAtRunTime = (text: string) => /\$\(|`|\$\{?[A-Za-z_@*0-9]/.test(text);

/** Variables of the session's own environment, which a command line does not choose: their values are paths and names, not code. */
const SESSION_VARIABLES = new Set(['HOME', 'PWD', 'OLDPWD', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'LANG', 'TERM', 'HOSTNAME', 'CLAUDE_PROJECT_DIR']);

/**
 * Text the shell expands before another shell reads it as commands, where the expansion could be code: a
 * substitution, or a variable other than the session's own (`cd $HOME` is a path; `$CMD` may be anything).
 */
function expandsUnsafely(text: string): boolean {
  if (/\$\(|`/.test(text)) return true;
  for (const m of text.matchAll(/\$(\{)?([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/g)) {
    if (!SESSION_VARIABLES.has(m[2]!) || (m[1] === '{' && !text.startsWith(`\${${m[2]}}`, m.index))) return true;
  }
  return false;
}
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
  // A here-document given to a group (`{ bash; } <<EOF`, `( sh ) <<EOF`, `while …; done <<EOF`) is the input of
  // every command in it, a shell among them perhaps: its body is judged as commands too.
  if ((cmd.argv.length === 0 || GROUP_CLOSERS.has(cmd.argv[0]!)) && cmd.redirects.some((r) => (r.fd ?? 0) === 0 && (r.body !== undefined || r.op === '<<<'))) {
    // Most such bodies are data (`while read l; …; done <<EOF`): one that is no shell text runs as none.
    try {
      const judged: SimpleCommand[] = [];
      runsInput(cmd, 'a group of commands', depth, judged);
      out.push(...judged);
    } catch (err) {
      if (!(err instanceof ShellParseError)) throw err;
    }
  }
  let argv = [...cmd.argv];
  const assignments = [...cmd.assignments];
  const start = out.length;
  let chdir: string | null = null;
  let done = false;
  const outputs: Redirect[] = [];
  for (let guard = 0; guard < 16 && argv.length > 0; guard++) {
    const name = base(argv[0]!);
    if (KEYWORDS.has(name)) {
      argv = argv.slice(1);
      continue;
    }
    if (name === 'busybox' && argv[1] !== undefined && !argv[1].startsWith('-')) {
      // busybox APPLET ARGS is APPLET ARGS.
      argv = argv.slice(1);
      continue;
    }
    if (name === 'cross-env' || name === 'cross-env-shell') {
      // cross-env A=1 B=2 cmd: the assignments, then the command (cross-env-shell hands it to a shell).
      let i = 1;
      for (; i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!); i++) assignments.push([argv[i]!.slice(0, argv[i]!.indexOf('=')), argv[i]!.slice(argv[i]!.indexOf('=') + 1)]);
      if (name === 'cross-env-shell') {
        out.push(...inChild(argv.slice(i).join(' '), depth + 1));
        done = true;
        break;
      }
      argv = argv.slice(i);
      continue;
    }
    if (name === 'env') {
      const read = readWrapper(argv, WRAPPERS.env!);
      for (const d of valueOf(read, WRAPPERS.env!.chdir)) chdir = chdir === null ? d : posix.join(chdir, d);
      const split = valueOf(read, ['-S', '--split-string']);
      let i = read.at;
      for (; i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!); i++) {
        const w = argv[i]!;
        assignments.push([w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]);
      }
      if (split.length > 0) {
        // env -S splits its string into words that come first, themselves assignments, options or the command.
        const words = tokenize(split.join(' '));
        if (words.length !== 1 || words[0]!.nested.length > 0 || words[0]!.cmd.redirects.length > 0) {
          out.push(opaque(cmd, `env -S with shell syntax in its string (${excerpt(split.join(' '))}) runs what the guard cannot read`));
          done = true;
          break;
        }
        const parsed = words[0]!.cmd;
        argv = ['env', ...parsed.assignments.map(([n, v]) => `${n}=${v}`), ...parsed.argv, ...argv.slice(i)];
        continue;
      }
      argv = argv.slice(i);
      continue;
    }
    if (name === 'xargs') {
      argv = xargsCommand(argv);
      continue;
    }
    if (name === 'parallel') {
      const scripts = parallelScripts(argv);
      if (scripts === null) out.push(opaque(cmd, 'parallel reading its commands from its input runs text the guard never sees'));
      else for (const script of scripts) out.push(...inChild(script, depth + 1));
      done = true;
      break;
    }
    if (name === 'watch') {
      const read = readWrapper(argv, WRAPPERS.watch!);
      const rest = argv.slice(read.at);
      // watch hands its words, joined, to sh -c (unless -x runs them as they are).
      if (read.options.some(([f]) => f === '-x' || f === '--exec')) argv = rest;
      else {
        out.push(...inChild(rest.join(' '), depth + 1));
        done = true;
        break;
      }
      continue;
    }
    const runner = packageRunner(argv);
    if (runner) {
      if ('script' in runner) {
        out.push(...inChild(runner.script, depth + 1));
        done = true;
        break;
      }
      if ('chdir' in runner) chdir = chdir === null ? runner.chdir : posix.join(chdir, runner.chdir);
      argv = runner.argv;
      continue;
    }
    const spec = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
    // flock FILE -c TEXT and runuser -c TEXT run text, read below; flock FILE CMD runs CMD.
    if (spec && !((name === 'flock' || name === 'runuser') && optionValues(argv.slice(1), ['--command'], 'c').length > 0)) {
      const read = readWrapper(argv, spec);
      for (const d of valueOf(read, spec.chdir)) chdir = chdir === null || isAbsoluteWord(d) ? d : posix.join(chdir, d);
      if (name === 'chroot' && argv[read.at - 1] !== undefined) chdir = argv[read.at - 1]!;
      for (const [flag, value] of read.options) {
        if (value === null || !(spec.output ?? []).includes(flag)) continue;
        // strace -o '|cmd' pipes the trace into a command.
        if (/^[|!]/.test(value)) out.push(...inChild(value.slice(1), depth + 1));
        else outputs.push({ op: `${name} ${flag}`, target: value });
      }
      let i = read.at;
      if (name === 'sudo' || name === 'doas') {
        if (read.options.some(([f]) => f === '-e' || f === '--edit')) {
          // sudo -e FILE… edits the files: sudoedit.
          argv = ['sudoedit', ...argv.slice(i)];
          break;
        }
        for (; i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!); i++) {
          const w = argv[i]!;
          assignments.push([w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]);
        }
      }
      argv = argv.slice(i);
      continue;
    }
    if (SHELLS.has(name)) {
      const ci = argv.findIndex((w, i) => i > 0 && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w));
      if (ci > 0 && argv[ci + 1] !== undefined) {
        const script = argv[ci + 1]!;
        // `xargs -I{} sh -c 'cd {} && make'` puts its input in a word of the script, which the guard reads like
        // a variable; input run as the command itself is text the guard never sees.
        const injected = script.includes(INPUT_WORD);
        const inner = inChild(script, depth + 1);
        // A script in single quotes reaches the shell as written: its own `$f` are its business, read below.
        const literal = cmd.literals?.includes(script) === true;
        if ((!literal && expandsUnsafely(injected ? script.split(INPUT_WORD).join('') : script)) || (injected && inner.some((c) => c.argv[0]?.includes(INPUT_WORD)))) {
          out.push(opaque(cmd, `${name} -c runs text made when it runs (${excerpt(script)}), which the guard cannot read`));
        }
        out.push(...inner);
        // `bash -c 'bash' <<EOF`: a shell the script starts may read the here-document.
        if (cmd.redirects.some((r) => (r.fd ?? 0) === 0 && (r.body !== undefined || r.op === '<<<'))) runsInput(cmd, name, depth, out);
        done = true;
        break;
      }
      // No -c: a script file (the guard cannot read files; see the README), or commands on standard input,
      // which -s asks for whatever operands follow. -o/-O/+o/+O and --rcfile take a value, no script.
      let script: string | undefined;
      let fromInput = false;
      for (let i = 1; i < argv.length; i++) {
        const w = argv[i]!;
        if (/^[-+][a-zA-Z]+$/.test(w)) {
          // A cluster: `s` reads the input; ending in `o`/`O` (`-euo pipefail`), the next word is its value.
          if (w.startsWith('-') && w.includes('s')) fromInput = true;
          if (/[oO]$/.test(w)) i++;
        } else if (w === '--rcfile' || w === '--init-file') i++;
        else if (w === '-' || w === '--') {
          if (w === '-') fromInput = true;
          script = argv[i + 1];
          break;
        } else if (!/^[-+]/.test(w)) {
          script = w;
          break;
        }
      }
      if (fromInput || script === undefined || STDIN_PATHS.test(script)) done = runsInput(cmd, name, depth, out);
      break;
    }
    if (name === 'at' || name === 'batch') {
      // at and batch run their input later, as a shell script; with -f they run a file, which the guard cannot read.
      if (!argv.slice(1).some((w) => /^-[a-zA-Z]*f/.test(w))) done = runsInput(cmd, name, depth, out);
      break;
    }
    if ((name === 'source' || name === '.') && STDIN_PATHS.test(argv[1] ?? '')) {
      done = runsInput(cmd, name, depth, out);
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
        out.push(...inChild(script, depth + 1));
      }
      break;
    }
    if (name === 'find') {
      // -exec/-execdir/-ok run a command of their own, up to `;` or `+`.
      for (let i = 1; i < argv.length; i++) {
        if (!/^-(exec|execdir|ok|okdir)$/.test(argv[i]!)) continue;
        let j = i + 1;
        while (j < argv.length && argv[j] !== ';' && argv[j] !== '+') j++;
        if (j > i + 1) unwrap({ argv: argv.slice(i + 1, j), assignments: [], redirects: [], ...(cmd.literals ? { literals: cmd.literals } : {}) }, depth + 1, out);
        i = j;
      }
      break;
    }
    break;
  }
  if (!done) out.push({ argv, assignments, redirects: [...cmd.redirects, ...outputs], ...(cmd.piped ? { piped: true } : {}), ...(cmd.conditional ? { conditional: true } : {}) });
  // A program the guard does not know that is handed git, or a command line that starts with git
  // (`xvfb-run git commit -n`, `nix-shell --run "git commit -n"`, `gdb --args /usr/bin/git …`), may run it: judged too;
  // `eslint src/git` names a folder, not the program.
  if (!done && argv.length > 1 && !NOT_RUNNERS.has(base(argv[0]!)) && base(argv[0]!) !== 'git' && !/^git-/.test(base(argv[0]!))) {
    const at = argv.findIndex((w, i) => i > 0 && /^(\/.*\/)?git$/.test(w));
    if (at > 0) {
      out.push(marker('open'));
      unwrap({ argv: argv.slice(at), assignments: [], redirects: [], ...(cmd.literals ? { literals: cmd.literals } : {}) }, depth + 1, out);
      out.push(marker('close'));
    }
    for (const line of argv.slice(1).filter((w) => /^\s*git\s+\S/.test(w) && w.trim().includes(' ')).slice(0, 4)) {
      try {
        out.push(...inChild(line, depth + 1));
      } catch (err) {
        if (!(err instanceof ShellParseError)) throw err;
      }
    }
  }
  // `env -C DIR cmd` runs cmd in DIR: the rules follow it like `pushd DIR; cmd; popd`.
  if (chdir !== null) {
    out.splice(start, 0, { argv: ['pushd', chdir], assignments: [], redirects: [] });
    out.push({ argv: ['popd'], assignments: [], redirects: [] });
  }
}

/** Every simple command the source would run, wrappers unwrapped and substitutions included. */
export function parseShell(src: string, depth = 0): SimpleCommand[] {
  if (depth > MAX_DEPTH) throw new ShellParseError('commands nested too deeply to inspect');
  const out: SimpleCommand[] = [];
  for (const { cmd, nested } of tokenize(src)) {
    if (cmd.scope) {
      out.push(cmd);
      continue;
    }
    // The shell runs a command's substitutions before the command, each in a subshell, where it stands then:
    // in `cd .git && echo $(cat > hooks/pre-commit) && cd ..` the cat writes .git/hooks/pre-commit.
    for (const body of nested) {
      out.push(marker('open'));
      out.push(...parseShell(body, depth + 1));
      out.push(marker('close'));
    }
    if (cmd.argv.length > 0 || cmd.assignments.length > 0 || cmd.redirects.length > 0) unwrap(cmd, depth, out);
  }
  return out;
}

const marker = (scope: 'open' | 'close' | 'end'): SimpleCommand => ({ argv: [], assignments: [], redirects: [], scope });

/**
 * A shell reading its commands from its input: a here-document or here-string is read like `sh -c` (its
 * expansions, if any, make it opaque); a pipe or a file is text the guard never sees. True when it handled them.
 */
function runsInput(cmd: SimpleCommand, name: string, depth: number, out: SimpleCommand[]): boolean {
  // Only descriptor 0 is the input (`3<<<'echo hi'` leaves a pipe on 0); the last redirection of it wins.
  const doc = [...cmd.redirects].reverse().find((r) => r.op.startsWith('<') && (r.fd ?? 0) === 0);
  if (doc && (doc.body !== undefined || doc.op === '<<<')) {
    const raw = doc.body ?? doc.target;
    // An unquoted here-document is expanded first: `$…` and backquotes, and a backslash before `$`, a
    // backquote, a backslash or a newline is taken out; the shell then reads what is left.
    const expanded = doc.body === undefined || doc.expands === true;
    const text = doc.body !== undefined && expanded ? raw.replace(/\\\n/g, '').replace(/\\([$`\\])/g, '$1') : raw;
    const herestringLiteral = doc.body === undefined && cmd.literals?.includes(raw) === true;
    if (expanded && !herestringLiteral && expandsUnsafely(doc.body !== undefined ? raw.replace(/\\[$`\\]/g, '') : raw)) {
      out.push(opaque(cmd, `${name} runs its input, made when it runs (${excerpt(raw)}), which the guard cannot read`));
    }
    out.push(...inChild(text, depth + 1));
    return true;
  }
  if (cmd.piped || doc) {
    out.push(opaque(cmd, `${name} reading commands from its input runs text the guard never sees`));
    return true;
  }
  return false;
}

/** Commands another process runs (`sh -c`, `watch`, `xargs sh -c`): their cds and assignments stay there. */
function inChild(script: string, depth: number): SimpleCommand[] {
  return [marker('open'), ...parseShell(script, depth), marker('close')];
}
