import { isAbsolute, normalize, posix } from 'node:path';
import { destinationsOf, gitDestinations } from './destinations.js';
import { gitSubcommand, INPUT_WORD, STDIN_PATHS, type SimpleCommand } from './shell-parse.js';

/** Programs that only read the files find hands them. */
const FIND_READERS = new Set(['cat', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'rg', 'wc', 'ls', 'stat', 'sha256sum', 'sha1sum', 'md5sum', 'cksum', 'diff', 'cmp', 'jq', 'du', 'echo', 'printf', 'basename', 'dirname', 'realpath', 'readlink']);

export { gitSubcommand };

/**
 * What the agent guard refuses, as pure functions over parsed commands, so
 * the rules are table-tested without a shell. Each finding says why, and
 * what to do instead.
 */
export interface Finding {
  reason: string;
}

/** Files an agent must never write: wf's evidence, the hooks that enforce it, the agent's own hook wiring. */
export const PROTECTED_FILES = [
  '.claude/task-state.json',
  '.claude/workflow-audit.log',
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.git/hooks/pre-commit',
  '.git/hooks/commit-msg',
  '.husky/pre-commit',
  '.husky/commit-msg',
  // git's own config (hooksPath, aliases, includes) and a hand-made merge state.
  '.git/config',
  '.git/config.worktree',
  '.git/MERGE_HEAD',
  // In a linked worktree .git is a file naming the git folder: rewritten, it points git at another one.
  '.git',
  // The user's own git config outranks nothing local, but wf sets no local core.hooksPath: a global one wins.
  '.gitconfig',
  '.config/git/config',
  '/etc/gitconfig',
] as const;

/**
 * Folders every file of which is protected: everything in .git (its config, hooks, commondir, refs,
 * HEAD: each changes what git runs or what a branch is; git writes them itself, an agent never needs to),
 * and any hook husky runs.
 */
const PROTECTED_PREFIXES = ['.git/', '.husky/_/'];

/** Folders whose removal or move takes protected files with them. */
const PROTECTED_DIRS = ['.claude', '.git', '.git/hooks', '.husky', '.husky/_'];

const BYPASS_ENV = /^(?:WF_(?:SKIP|BYPASS|DISABLE|NO_VERIFY|FORCE|OVERRIDE|ALLOW)\w*|SKIP_WF\w*|HUSKY_SKIP_HOOKS|SKIP_HOOKS|GIT_HOOKS_DISABLED?|NO_VERIFY|PRE_COMMIT_ALLOW_NO_CONFIG|SKIP)$/;

// A command may be assignments only (X=1, OUT=$(git status)): no word, no program.
const base = (word: string | undefined) => (word ?? '').slice((word ?? '').lastIndexOf('/') + 1);

/**
 * Normalises a path word relative to the repository root: `./a//b/../c` →
 * `a/c`; absolute paths inside the root become relative; anything else stays
 * as given (and still matches by suffix).
 */
export function relativePath(word: string, cwd: string, root: string | null): string {
  let p = word.replace(/^["']|["']$/g, '');
  if (p.startsWith('~')) return p;
  p = isAbsolute(p) ? normalize(p) : normalize(posix.join(cwd, p));
  if (root && (p === root || p.startsWith(`${root}/`))) return p.slice(root.length + 1) || '.';
  return p;
}

const GLOB = /[*?[]/;

/**
 * A shell pattern's `[…]` (`[!…]` too) as a character class. One the shell takes but a regular expression
 * refuses (`[z-a]`, a range backwards) matches any character: the guard assumes the most a pattern may match.
 */
function bracketClass(body: string): string {
  const negated = body.startsWith('!') || body.startsWith('^');
  const cls = `[${negated ? '^' : ''}${(negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&')}]`;
  try {
    new RegExp(cls);
    return cls;
  } catch {
    return '[^/]';
  }
}

/** One path component of a shell pattern as a regular expression: `*`, `?` and `[…]` (`[!…]` too). */
function componentRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    const close = ch === '[' ? glob.indexOf(']', i + (glob[i + 1] === '!' || glob[i + 1] === '^' ? 3 : 2)) : -1;
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (close > 0) {
      re += bracketClass(glob.slice(i + 1, close));
      i = close;
    } else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

/**
 * Whether a component of a written path may name a component of a protected one. Case is ignored:
 * on macOS and Windows `.GIT/config` is `.git/config`, and no ordinary work spells it so. A pattern may
 * match a name (`.g?t`, `.[g]it`, `?git`), except that one of wildcards and no letters (`*`, `?*`, `*.*`) is
 * read as the shell reads it, matching no dot-file: `rm -rf dist/*` leaves a `dist/.git` alone.
 */
function componentMayBe(written: string, name: string): boolean {
  if (!GLOB.test(written)) return written.toLowerCase() === name.toLowerCase();
  if (name.startsWith('.') && /^[*?]/.test(written) && !/[A-Za-z0-9]/.test(written.replace(/\[[^\]]*\]/g, ''))) return false;
  return componentRegExp(written).test(name);
}

const split = (path: string) => path.split('/');
const PROTECTED_FILE_PARTS = PROTECTED_FILES.map((f) => [f, split(f)] as const);
const PROTECTED_DIR_PARTS = PROTECTED_DIRS.map((d) => [d, split(d)] as const);
const PROTECTED_PREFIX_PARTS = PROTECTED_PREFIXES.map((p) => split(p.replace(/\/$/, '')));

/** Whether the last components of `path` may be `protectedParts` (the path is the protected one, or one like it in a subfolder). */
function endsAs(path: readonly string[], protectedParts: readonly string[]): boolean {
  const offset = path.length - protectedParts.length;
  return offset >= 0 && protectedParts.every((p, k) => componentMayBe(path[offset + k]!, p));
}

/** The protected path `path` ends in inside a folder every file of which is protected (`.git/refs/x` of `sub/.git/refs/x`). */
function insidePrefix(path: readonly string[]): string | null {
  for (const prefix of PROTECTED_PREFIX_PARTS) {
    for (let j = 0; j + prefix.length < path.length; j++) {
      if (path[j + prefix.length] === '' || !prefix.every((p, k) => componentMayBe(path[j + k]!, p))) continue;
      return [...prefix, ...path.slice(j + prefix.length)].join('/');
    }
  }
  return null;
}

/** Which protected file (or folder holding one) a path word names, if any: by its last components, patterns and any case included. */
export function protectedTarget(word: string, cwd: string, root: string | null, includeDirs: boolean): string | null {
  const rel = relativePath(word, cwd, root).replace(/\/+$/, '');
  const parts = split(rel);
  const file = PROTECTED_FILE_PARTS.find(([f, fp]) => endsAs(parts, fp) && (!HOME_CONFIG_FILES.has(f) || inHomeFolder(parts.slice(0, parts.length - fp.length), cwd)));
  if (file) return file[0];
  const inside = insidePrefix(parts);
  if (inside !== null) return inside;
  if (includeDirs) return PROTECTED_DIR_PARTS.find(([, d]) => endsAs(parts, d))?.[0] ?? null;
  return null;
}

/** The user's git config files: git reads them in the home folder only (`/tmp/x/.gitconfig` is just a file). */
const HOME_CONFIG_FILES = new Set<string>(['.gitconfig', '.config/git/config']);
function inHomeFolder(folder: readonly string[], cwd: string): boolean {
  const path = folder.join('/');
  if (path === '') return /^(~|\/root|\/home\/[^/]+|\/Users\/[^/]+)\/?$/.test(cwd);
  return /^(~|\$\{?HOME\}?|\/root|\/home\/[^/]+|\/Users\/[^/]+)$/.test(path) || isComputedWord(path);
}

const nonOptions = (args: string[]) => {
  const out: string[] = [];
  let ended = false;
  for (const a of args) {
    if (!ended && a === '--') ended = true;
    else if (ended || !a.startsWith('-') || a === '-') out.push(a);
  }
  return out;
};

/** Commands that write or delete the paths they are given, and which of their words are those paths. */
function writtenPaths(argv: string[]): { paths: string[]; destructive: boolean; links?: ReadonlySet<string> } | null {
  const name = base(argv[0]);
  const args = argv.slice(1);
  const plain = nonOptions(args);
  switch (name) {
    case 'rm':
    case 'unlink':
    case 'rmdir':
      // Removing a symlink removes the link, not what it points to: only the folders on its way are followed.
      return { paths: plain, destructive: true, links: new Set(plain) };
    case 'shred':
    // Deleters from the npm registry and the desktop's trash, which agents reach for when rm is refused.
    case 'rimraf':
    case 'del':
    case 'del-cli':
    case 'trash':
    case 'trash-put':
    case 'gio':
      return { paths: name === 'gio' ? (plain[0] === 'trash' || plain[0] === 'remove' ? plain.slice(1) : []) : plain, destructive: true };
    case 'mv': {
      // mv renames each source itself, a link included; a destination that links to a folder is entered.
      const target = args.findIndex((a) => a === '-t' || a === '--target-directory');
      const destination = target >= 0 ? args[target + 1] : args.some((a) => /^(-t.|--target-directory=|-T$|--no-target-directory$)/.test(a)) ? undefined : plain.at(-1);
      return { paths: plain, destructive: true, links: new Set(plain.filter((p) => p !== destination)) };
    }
    case 'chmod':
      // `chmod +x .husky/*` cannot switch a hook off; `-x`, `=`, or an octal mode can.
      return onlyAddsPermissions(argv) ? null : { paths: plain, destructive: true };
    case 'truncate':
    case 'sudoedit':
    case 'tee':
    case 'chown':
    case 'chgrp':
    case 'chattr':
    case 'touch':
      return name === 'touch' ? null : { paths: plain, destructive: name !== 'tee' && name !== 'truncate' && name !== 'sudoedit' };
    case 'ln':
      // A link to a protected folder or file is a way to write it later under another name.
      return { paths: plain, destructive: true };
    case 'sed':
    case 'perl':
    case 'ruby':
      return args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place')) ? { paths: plain, destructive: false } : null;
    case 'git': {
      const sub = gitSubcommand(argv);
      if (!sub) return null;
      // git clean's -e takes a pattern to keep, not a path to delete.
      const args = sub.name === 'clean' ? sub.args.filter((a, i) => a !== '-e' && a !== '--exclude' && sub.args[i - 1] !== '-e' && sub.args[i - 1] !== '--exclude' && !/^(-e.|--exclude=)/.test(a)) : sub.args;
      if (['checkout', 'restore', 'rm', 'mv', 'clean', 'stash'].includes(sub.name)) return { paths: nonOptions(args), destructive: sub.name !== 'checkout' && sub.name !== 'restore' };
      return null;
    }
    default:
      return null;
  }
}

/** `git commit` options that take a value: in a cluster like `-am`, what follows such a letter is its value. */
const COMMIT_VALUE_LETTERS = new Set(['m', 'F', 'c', 'C', 't', 'S', 'u']);

export function commitSkipsHooks(args: string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return false;
    if (a.startsWith('--')) {
      const flag = a.split('=')[0]!;
      if (flag.length >= '--no-ver'.length && '--no-verify'.startsWith(flag)) return true;
      if (['--message', '--file', '--reuse-message', '--reedit-message', '--template', '--author', '--date', '--fixup', '--squash', '--trailer', '--cleanup', '--pathspec-from-file'].includes(flag) && !a.includes('=')) i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        if (letter === 'n') return true;
        if (COMMIT_VALUE_LETTERS.has(letter)) {
          // -m takes the next word when nothing follows it in the cluster; -S and -u only attach.
          if (j === a.length - 1 && letter !== 'S' && letter !== 'u') i++;
          break;
        }
      }
    }
  }
  return false;
}

/** Variables that hand git configuration in from the environment; whatever they say, the guard cannot weigh it. */
const GIT_CONFIG_ENV = /^GIT_CONFIG(_COUNT|_KEY_\d+|_VALUE_\d+|_PARAMETERS|_GLOBAL|_SYSTEM|_NOSYSTEM)?$/;
/** Arguments that make a command whose name is computed look like git (or wf) at work. */
const GITLIKE_ARG = /^(commit|push|merge|rebase|am|cherry-pick|revert|config|update-ref|commit-tree|hooks|uninstall|--no-verify|--no-ver\w*|-[a-zA-Z]*n[a-zA-Z]*|core\.hooks[pP]ath.*)$/;
/** A value (of a variable the code reads) that names git, its folder, hooks, or wf's files. */
const TOUCHES_GIT = /\bgit\b|\.git\b|gitconfig|\.husky\b|hooks|hookspath|task-state|workflow-audit|settings(\.local)?\.json|MERGE_HEAD/i;
/** Code that names git's folder, its config, a hook manager's folder or wf's files (`app.git` in a URL is none of these). */
const NAMES_PROTECTED = /(^|[^\w.-])\.git\b|gitconfig|(^|[^\w.-])\.husky\b|hookspath|task-state|workflow-audit|(^|[^\w.-])\.claude\b|MERGE_HEAD|GIT_(DIR|WORK_TREE|INDEX_FILE|CONFIG)/i;
/** Calls that start a program: code that has none runs no git. Backquotes run one in perl, ruby and php. */
const RUNS = /\b(system|popen|Popen|subprocess|run|call|check_call|check_output|exec\w*|spawn\w*|fork|shell_exec|passthru|proc_open|execute|IO\.popen|Open3|capture\w*|sh|\$|os\.exec)\s*[(.\[`'"]|`|%x[({[]|do shell script|child_process|\bexeca\b|Bun\.spawn|Deno\.(run|Command)/;
/** Calls that write, move, remove or run: code naming a protected path with none of these only reads it. */
const WRITES_OR_RUNS = new RegExp(`${RUNS.source}|\\b(write\\w*|append\\w*|createWriteStream|unlink\\w*|remove\\w*|rmtree|rmdir\\w*|rm|rmSync|rename\\w*|replace|chmod\\w*|chown\\w*|copy\\w*|copyfile|copytree|cp|cpSync|move|symlink\\w*|link\\w*|truncate\\w*|touch|mkdir\\w*|makedirs|file_put_contents|fwrite|FileUtils|File\\.(write|delete|rename|open)|utime\\w*)\\s*\\(|open\\s*\\([^)]*['"][wax+]|open\\s*\\([^)]*['"]\\+?>|\\.write_(text|bytes)|\\bwrite\\b`);
/** git commands that only read: inline code may run these. */
const READ_ONLY_GIT = new Set(['log', 'status', 'diff', 'show', 'rev-parse', 'ls-files', 'ls-tree', 'blame', 'grep', 'describe', 'cat-file', 'for-each-ref', 'rev-list', 'shortlog', 'name-rev', 'merge-base', 'version', '--version', 'help', 'var', 'whatchanged', 'count-objects', 'show-ref', 'symbolic-ref', 'check-ignore', 'check-attr']);
const GIT_WRITERS = /^(commit|push|pull|merge|rebase|am|apply|cherry-pick|revert|reset|checkout|switch|restore|branch|tag|stash|config|update-ref|update-index|commit-tree|write-tree|read-tree|fast-import|filter-branch|filter-repo|replace|notes|worktree|clean|rm|mv|add|init|clone|fetch|gc|prune|reflog|remote|submodule|hook|hooks|-c|-C|--git-dir|--work-tree|--exec-path)$/;

/**
 * Whether inline code (python3 -c, node -e, an interpreter's here-document) may do to git or wf's files what the
 * guard cannot read: it names git's folder or wf's files, or runs git other than to read. `print('git is
 * great')` and `['git', 'log']` do neither; `'git'` with anything else after it, or `git ci -n` (an alias, with
 * options), may. sed's programs have no strings: any git there counts.
 */
function codeTouchesGit(code: string, interpreter: string): boolean {
  // sed's and awk's programs write with `w`, `print >` and pipes, and have no calls to look for: naming is enough.
  if (interpreter === 'sed' || /^[gmn]?awk$/.test(interpreter)) return NAMES_PROTECTED.test(code) || (interpreter === 'sed' ? /\bgit\b/i.test(code) : /["']\s*git\s/.test(code));
  // Naming git's folder or wf's files to skip or read them (`os.walk` past '.git', reading settings) is reading.
  if (NAMES_PROTECTED.test(code) && WRITES_OR_RUNS.test(code)) return true;
  // A git command line in prose (`print('git commit failed')`) runs nothing.
  if (!RUNS.test(code)) return false;
  // 'git' as a string of its own: an argument list; the next string is the command.
  for (const m of code.matchAll(/(['"`])git\1(\s*[,)\]]?\s*(?:(['"`])([^'"`]*)\3)?)?/g)) {
    const sub = m[4];
    if (sub === undefined || !READ_ONLY_GIT.has(sub.trim())) return true;
  }
  // A string that starts with git: a command line.
  for (const m of code.matchAll(/(['"`])\s*git\s+([^'"`]*)/g)) {
    const words = m[2]!.trim().split(/\s+/);
    const sub = words[0] ?? '';
    if (READ_ONLY_GIT.has(sub) && !words.slice(1).some((w) => /^--(output|exec|upload|receive)/.test(w))) continue;
    if (GIT_WRITERS.test(sub) || words.some((w) => w.startsWith('-'))) return true;
  }
  return false;
}
const INTERPRETERS: Record<string, RegExp> = {
  python: /^-c$/, node: /^(-e|--eval|-p|--print)$/, nodejs: /^(-e|--eval|-p|--print)$/, bun: /^(-e|--eval|-p|--print)$/, deno: /^eval$/,
  perl: /^-[a-zA-Z]*[eE]$/, ruby: /^-[a-zA-Z]*e$/, php: /^-r$/, lua: /^-e$/, osascript: /^-e$/,
};

/** Interpreter options whose value is the next word (`python3 -W ignore`, `node -r ts-node/register`, `perl -I lib`). */
const INTERPRETER_VALUES: Record<string, RegExp> = {
  python: /^-[WXQm]$/, node: /^(-r|--require|--import|--loader|--experimental-loader|--input-type|-C|--conditions|--env-file)$/, nodejs: /^(-r|--require|--import|--loader|--input-type)$/,
  bun: /^(-r|--preload|--cwd)$/, perl: /^-[IMmx]$/, ruby: /^-[IrCE]$/, php: /^-[cdz]$/, lua: /^-[l]$/,
};

/** A word whose text exists only when the shell runs it: a substitution, a variable, brace expansion. */
function isComputedWord(word: string): boolean {
  return /\$|`/.test(word) || /\{[^{}]*,[^{}]*\}/.test(word) || /^[<>]\(/.test(word);
}

/** sed's own writes and runs as commands: `w FILE`, `W FILE`, `e CMD`. */
const SED_COMMAND_ACTS = /(?:^|[;{}\n!0-9$])\s*[wWe]\s/;

/**
 * Whether a sed program writes or runs something: a `w`/`W`/`e` command, or the `w`/`e` flag of an
 * `s` command, read past its pattern and replacement (`s/e git/e jj/` has neither flag).
 */
function sedActs(code: string): boolean {
  if (SED_COMMAND_ACTS.test(code)) return true;
  for (let i = 0; i < code.length; i++) {
    if (code[i] !== 's' || (i > 0 && !/[\s;{}!0-9$/]/.test(code[i - 1]!))) continue;
    const delim = code[i + 1];
    if (delim === undefined || delim === '\\' || delim === '\n' || /\s/.test(delim)) continue;
    let j = i + 2;
    for (let part = 0; part < 2 && j <= code.length; part++) {
      while (j < code.length && code[j] !== delim) j += code[j] === '\\' ? 2 : 1;
      j++;
    }
    if (j > code.length) continue;
    const flags = /^[gpIiMm0-9we]*/.exec(code.slice(j))![0];
    if (/[we]/.test(flags)) return true;
    i = j - 1;
  }
  return false;
}
/** awk's: `system()`, pipes to and from commands, `print > FILE`. */
const AWK_ACTS = /system\s*\(|\|\s*getline|getline\s*</u;
const AWK_WRITES = /print[f]?\b[^;}]*>|\|&|"[^"]*"\s*\|/;

/** The program text of sed or awk, when it writes files or runs commands of its own (reading and printing is no such thing). */
function actingProgram(name: string, args: string[]): string | null {
  const isAwk = /^[gmn]?awk$/.test(name);
  if (name !== 'sed' && !isAwk) return null;
  const programs: string[] = [];
  let fromFile = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (name === 'sed' && (a === '-e' || a === '--expression')) programs.push(args[++i] ?? '');
    else if (name === 'sed' && a.startsWith('--expression=')) programs.push(a.slice(13));
    else if (name === 'sed' && /^-[^-]/.test(a)) {
      // A cluster of short options: -n, -E... until one that takes the rest (-e SCRIPT, -f FILE, -i SUFFIX, -l N).
      for (let k = 1; k < a.length; k++) {
        const c = a[k]!;
        if (c === 'e') {
          programs.push(k + 1 < a.length ? a.slice(k + 1) : (args[++i] ?? ''));
          break;
        }
        if (c === 'f') {
          fromFile = true;
          if (k + 1 === a.length) i++;
          break;
        }
        if (c === 'i' || c === 'l') break;
      }
    }
    else if (a === '-f' || a === '--file') {
      fromFile = true;
      i++;
    } else if (isAwk && (a === '-F' || a === '-v' || a === '--assign' || a === '--field-separator')) i++;
    else if (a.startsWith('-') && a !== '-') continue;
    else if (programs.length === 0 && !fromFile) {
      programs.push(a);
      break;
    } else break;
  }
  const code = programs.join('\n');
  return (isAwk ? AWK_ACTS.test(code) || AWK_WRITES.test(code) : sedActs(code)) ? code : null;
}

function inlineCode(argv: string[], redirects: SimpleCommand['redirects'] = []): { interpreter: string; code: string } | null {
  const b = base(argv[0]);
  const acting = actingProgram(b, argv.slice(1));
  if (acting !== null) return { interpreter: b, code: acting };
  const name = /^python[\d.]*$/.test(b) ? 'python' : b;
  const flag = Object.hasOwn(INTERPRETERS, name) ? INTERPRETERS[name] : undefined;
  if (!flag) return null;
  const at = argv.findIndex((a, i) => i > 0 && flag.test(a));
  if (at >= 0 && argv[at + 1] !== undefined) return { interpreter: b, code: argv[at + 1]! };
  // No program file (or `-`, /dev/stdin): the interpreter reads its program from its input, here a here-document
  // or here-string on descriptor 0. Options that take a value (`-W ignore`, `--input-type module`) name no file.
  let file: string | undefined;
  const valued = INTERPRETER_VALUES[name];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (valued?.test(a)) i++;
    else if (a === '-' || !a.startsWith('-')) {
      file = a;
      break;
    }
  }
  const input = [...redirects].reverse().find((r) => r.op.startsWith('<') && (r.fd ?? 0) === 0);
  if ((file === undefined || file === '-' || STDIN_PATHS.test(file)) && input && (input.body !== undefined || input.op === '<<<')) return { interpreter: b, code: input.body ?? input.target };
  return null;
}

/** wf's own name as a word: the command (`wf`, `bin/wf.js`) or its package (`wf-gate`, `wf-gate@1.2.0`). */
const WF_WORD = /(^|\/)(wf|wf\.js|wf-gate(@[^/\s]*)?)$/;
const RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'npm', 'pnpm', 'yarn', 'bun', 'node', 'nodejs', 'tsx']);

/** The words after wf's own name, however it is started (wf, npx wf, npx -p wf-gate wf, node bin/wf.js), or null. */
function wfInvocation(argv: string[]): string[] | null {
  const b = base(argv[0]);
  if (WF_WORD.test(b)) return argv.slice(1);
  if (!RUNNERS.has(b)) return null;
  let i = argv.findIndex((a, n) => n > 0 && WF_WORD.test(a));
  if (i < 0) return null;
  // `npx -p wf-gate wf …`: the package, then the command.
  while (WF_WORD.test(argv[i + 1] ?? '')) i++;
  return argv.slice(i + 1);
}

const isWf = (argv: string[]) => wfInvocation(argv) !== null;

/** wf's command words, with oclif's `hooks:uninstall` spelling split like `hooks uninstall`. */
function wfArgs(argv: string[]): string[] {
  return (wfInvocation(argv) ?? []).filter((a) => a !== '--' && !a.startsWith('-')).flatMap((a, n) => (n === 0 ? a.split(':') : [a]));
}

const hasNoVerify = (args: string[]) => args.some((a) => a !== '--' && a.startsWith('--no-ver') && '--no-verify'.startsWith(a.split('=')[0]!));
const mentionsHooksPath = (text: string) => /core\.hookspath/i.test(text);
/** Settings that make git run a program or read more config: fsmonitor, includes, ssh and editor commands. */
const RISKY_CONFIG = /^(include\.|includeif\.|core\.fsmonitor|core\.sshcommand|core\.editor|sequence\.editor|core\.pager|diff\.external|gpg\.program|credential\.helper)/i;

/** An editor or pager that is a plain do-nothing program (`-c core.editor=true rebase --continue`, `-c core.pager=cat`). */
const HARMLESS_PROGRAM_SETTING = /^(core\.editor|sequence\.editor|core\.pager)=(true|:|false|cat|less|less -R|more)?$/i;

const CONFIG_SUBCOMMANDS = new Set(['get', 'list', 'set', 'unset', 'rename-section', 'remove-section', 'edit']);

export interface GuardContext {
  cwd: string;
  root: string | null;
  /** Set after `cd` to a folder made at run time (`cd "$D"`): the cd's text, for the reason. */
  unknownCwd?: string | null;
  /** Variables assigned plain text earlier on the command line (`F=.git/config; echo x > $F`). */
  vars?: ReadonlyMap<string, string>;
  /** The path with symlinks on disk followed (the hook passes one; the rules stay pure without it). */
  resolve?: (absolute: string) => string | null;
  /** CDPATH is set in the environment the command runs in, so a relative `cd` may land elsewhere. */
  cdpath?: boolean;
  /** This repository's git folder and common folder, real paths (a linked worktree's are outside the work tree). */
  gitFolders?: readonly string[];
}

/**
 * The path with each `..` taken from where the folder before it really is: the kernel goes up from the
 * link's target, so `h/../config` with `h -> .git/hooks` is .git/config, which the path's text does not say.
 */
function physicalDots(path: string, resolve: (absolute: string) => string | null): string | null {
  let rest = path;
  for (let n = 0; n < 8; n++) {
    const up = /\/\.\.(?=\/|$)/.exec(rest);
    if (!up) break;
    const head = resolve(normalize(rest.slice(0, up.index) || '/'));
    if (head === null) return null;
    rest = `${posix.dirname(head)}${rest.slice(up.index + 3)}`;
  }
  return normalize(rest);
}

/** A path that names nothing protected as written, but reaches a protected one through a symlink on disk (`h -> .git/hooks`). */
export function protectedThroughLinks(word: string, ctx: GuardContext, includeDirs: boolean, followLast = true): string | null {
  if (!ctx.resolve || !ctx.root || word.startsWith('~')) return null;
  const written = isAbsolute(word) ? word : `${ctx.cwd}/${word}`;
  const absolute = physicalDots(written, ctx.resolve);
  if (absolute === null) return null;
  // `rm link/` and `rm link/.` go through the link; `rm link` does not.
  const last = !followLast && !/\/\.?\.?$/.test(word) && posix.basename(absolute) !== '..';
  const parent = posix.dirname(absolute);
  const resolvedParent = last ? ctx.resolve(parent) : null;
  const real = last ? (resolvedParent === null ? null : posix.join(resolvedParent, posix.basename(absolute))) : ctx.resolve(absolute);
  if (real === null || real === normalize(written)) return null;
  return protectedTarget(real, ctx.cwd, ctx.resolve(ctx.root) ?? ctx.root, includeDirs);
}

/** Names git runs as hooks, and husky's runner: in a folder the guard cannot place, these names are what matter. */
const HOOK_NAMES = new Set(['applypatch-msg', 'pre-applypatch', 'post-applypatch', 'pre-commit', 'pre-merge-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'pre-rebase', 'post-checkout', 'post-merge', 'pre-push', 'pre-receive', 'update', 'proc-receive', 'post-receive', 'post-update', 'reference-transaction', 'push-to-checkout', 'pre-auto-gc', 'post-rewrite', 'sendemail-validate', 'fsmonitor-watchman', 'post-index-change', 'h', 'husky.sh']);

const COMMON_WORD_HOOKS = new Set(['update', 'h']);

const COMPUTED_PART = /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?$!-]|\$\((?:[^()]|\([^()]*\))*\)|`[^`]*`/g;

/** Replaces variables the command line itself set to plain text; what stays computed is left as it is. */
function expandKnown(word: string, vars: ReadonlyMap<string, string> | undefined): string {
  if (!vars || vars.size === 0) return word;
  // `${f%.sample}`, `${f##*/}`, `${f:-x}` as the shell works them out, for a variable the line set.
  return word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(%%|%|##|#|:-|:=|:\+|-|=|\+)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, a: string | undefined, op: string | undefined, arg: string | undefined, b: string | undefined) => {
    const value = vars.get(a ?? b ?? '');
    if (value === undefined) return all;
    if (op === undefined) return value;
    if (op === ':+' || op === '+') return isComputedWord(arg ?? '') ? all : (arg ?? '');
    if (op.startsWith(':') || op === '-' || op === '=') return value === '' && op.startsWith(':') ? all : value;
    // A pattern with many `*` on a long value backtracks; what the guard cannot work out quickly stays unknown.
    const stars = (arg ?? '').split('*').length - 1;
    if (isComputedWord(arg ?? '') || value.length > 4096 || stars > 3 || (stars > 1 && value.length > 256)) return all;
    // The shell's pattern: `*` and `?` match `/` here too.
    const matches = findGlob(arg ?? '', true, false);
    const longest = op === '%%' || op === '##';
    if (op.startsWith('%')) {
      // The shortest suffix that matches is tried from the end, the longest from the start.
      for (let i = longest ? 0 : value.length; longest ? i <= value.length : i >= 0; i += longest ? 1 : -1) {
        if (matches.test(value.slice(i))) return value.slice(0, i);
      }
      return value;
    }
    for (let i = longest ? value.length : 0; longest ? i >= 0 : i <= value.length; i += longest ? -1 : 1) {
      if (matches.test(value.slice(0, i))) return value.slice(i);
    }
    return value;
  });
}

/** `{a,b}` and `x{1,2}y` as the shell expands them (one level, no ranges): other braces are left alone. */
function braceExpand(word: string, limit = MAX_LOOP_BINDINGS): string[] {
  const m = /^(.*?)\{([^{}]*,[^{}]*)\}(.*)$/s.exec(word);
  if (!m) return [word];
  // Stops at the limit as it goes: `{a,b}` twenty times over is a million words, never built.
  const out: string[] = [];
  for (const part of m[2]!.split(',')) {
    for (const w of braceExpand(`${m[1]}${part}${m[3]}`, limit - out.length)) {
      out.push(w);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/** Could a path, relative to a folder the guard cannot place, be a protected one? Judged by its trailing names. */
function protectedByTail(tail: string, folder: boolean): string | null {
  const rel = posix.normalize(tail).replace(/^(\.\/)+|\/+$/g, '');
  if (rel === '.' || rel === '' || rel.startsWith('..')) return folder || rel.startsWith('..') ? (rel || '.') : null;
  const parts = split(rel);
  const last = parts.at(-1)!;
  // A last name that is all wildcard (`"$D"/*`) says no more than `"$D"` alone, which is not judged.
  if (GLOB.test(last) && !/[A-Za-z0-9._-]/.test(last.replace(/\[[^\]]*\]|[*?]/g, ''))) return null;
  // The tail is the end of a protected path (`hooks/pre-commit` of `.git/hooks/pre-commit`).
  const fits = (p: readonly string[]) => p.length >= parts.length && parts.every((w, k) => componentMayBe(w, p[p.length - parts.length + k]!));
  const hit = PROTECTED_FILE_PARTS.find(([, f]) => fits(f)) ?? (folder ? PROTECTED_DIR_PARTS.find(([, d]) => fits(d)) : undefined);
  if (hit) return hit[0];
  const inside = insidePrefix(parts);
  if (inside !== null) return inside;
  // `update` and husky's `h` are ordinary words too: alone they name a hook only inside a hooks folder.
  const hook = [...HOOK_NAMES].find((h) => componentMayBe(last, h) && (!COMMON_WORD_HOOKS.has(h) || (parts.length > 1 && /^(hooks|_|\.husky)$/.test(parts.at(-2)!))));
  return hook ? `a hook named ${hook}` : null;
}

/**
 * The one check of a written path: resolved against the tracked working folder,
 * with variables the line set expanded; a folder destination is protected when
 * it is or holds a protected path. The reason names the route and what to do instead.
 */
export function writeFinding(word: string, folder: boolean, ctx: GuardContext, via: string, followLast = true): Finding | null {
  const path = expandKnown(word, ctx.vars);
  const parts = [...path.matchAll(COMPUTED_PART)];
  if (parts.length > 0) {
    // `rm .git/hooks/$NAME`: whatever the name turns out to be, it is inside a protected folder.
    const known = path.slice(0, parts[0]!.index);
    const folderOf = known.includes('/') ? known.slice(0, known.lastIndexOf('/')) : '';
    const last = parts.at(-1)!;
    const tail = path.slice(last.index + last[0].length).replace(/^\/+/, '');
    if (folderOf !== '' && !isComputedWord(folderOf)) {
      // Everything in .git is git's own; in .claude or .husky, a name that is all made at run time may be wf's.
      const inGit = protectedTarget(`${folderOf}/x`, ctx.cwd, ctx.root, false) !== null;
      const inFolder = tail === '' && protectedTarget(folderOf, ctx.cwd, ctx.root, true) !== null && !PROTECTED_FILES.includes(relativePath(folderOf, ctx.cwd, ctx.root) as never);
      if (inGit || inFolder) return { reason: `${via} writes ${word}, a path made when it runs inside ${folderOf}, which holds what only wf itself may write; write the path out in full` };
    }
    // Wholly made at run time (`> "$F"`): nothing to judge by; see the README on what the guard cannot see.
    if (tail === '') return null;
    const hit = protectedByTail(tail, folder);
    return hit ? { reason: `${via} writes ${word}, a path made when it runs that may be ${hit}, which only wf itself may write; write the path out in full` } : null;
  }
  if (ctx.unknownCwd && !isAbsolute(path) && !path.startsWith('~')) {
    const hit = protectedByTail(path, folder);
    return hit ? { reason: `${via} writes ${word} in a folder the guard cannot tell (${ctx.unknownCwd}), which may be ${hit === '.' ? 'a protected folder' : hit}; cd to a folder written out, or give the path from the repository root` } : null;
  }
  const target = protectedTarget(path, ctx.cwd, ctx.root, folder) ?? protectedThroughLinks(path, ctx, folder, followLast);
  if (!target) return null;
  if ((target === '.git' || target.startsWith('.git/')) && isOthersGitFolder(path, ctx)) return null;
  if (/[*?[]/.test(path)) return { reason: `${via} writes ${word}, which may be ${target}, which only wf itself may write; name the files one by one` };
  if (folder && (PROTECTED_DIRS.includes(target) || !PROTECTED_FILES.some((f) => f === target))) {
    return { reason: `${via} would write into ${target}, which holds what only wf itself may write (git's hooks and config, wf's evidence); name a destination outside it` };
  }
  if (!target.startsWith('.claude/')) {
    // git's own files: what git runs and what a branch is. git changes them through its own commands.
    return { reason: `${via} would change ${target}, which decides what git runs or what a branch is; use git's own commands for refs and branches, and leave git's config and hooks to a person` };
  }
  return { reason: `${via} would change ${target}, which only wf itself may write; the wf commands write it (wf status shows the next one)` };
}

/**
 * A `.git` that is not this repository's: a nested or vendored repository's inside the work tree
 * (`rm -rf vendor/foo/.git`), or, when the hook names this repository's git folders, any other one
 * (`rm -rf /tmp/template/.git`). Without that list, a `.git` outside the work tree may be this worktree's own.
 */
function isOthersGitFolder(path: string, ctx: GuardContext): boolean {
  if (ctx.unknownCwd || ctx.root === null || isComputedWord(path)) return false;
  const abs = posix.normalize(isAbsolute(path) ? path : posix.join(ctx.cwd, path));
  // The first name on the way that is, or as a pattern may be, `.git`: what is above it owns it.
  const names = abs.split('/');
  const at = names.findIndex((n, i) => i > 0 && componentMayBe(n, '.git'));
  if (at < 0) return false;
  const owner = names.slice(0, at).join('/') || '/';
  if (owner === ctx.root) return false;
  if (owner.startsWith(`${ctx.root}/`)) return true;
  const mine = ctx.gitFolders;
  if (!mine || GLOB.test(names[at]!)) return false;
  const folder = names.slice(0, at + 1).join('/');
  return !mine.some((g) => g === folder || g.startsWith(`${folder}/`) || folder.startsWith(`${g}/`));
}

const PROC_ENVIRON_REASON =
  "reading a process's environment (/proc/PID/environ, ps e) shows other programs' secrets, such as the API keys of wf's reviewer and fixer; read your own variables with printenv NAME";
const PROC_ENVIRON_IN_CODE = /\/proc\/[\s\S]*environ/;
/** Paths standing for every process's environment file, to try a pattern or a path made at run time against. */
const PROC_ENVIRON_SAMPLES = ['/proc/self/environ', '/proc/1/environ', '/proc/1/task/1/environ', '/proc/thread-self/environ'];

/** A path word as a regular expression: a part made at run time may be anything, a pattern matches as it would. */
function pathPattern(path: string): RegExp {
  const marked = path.replace(COMPUTED_PART, '\0');
  let re = '';
  for (let i = 0; i < marked.length; i++) {
    const ch = marked[i]!;
    const close = ch === '[' ? marked.indexOf(']', i + 2) : -1;
    if (ch === '\0') re += '.*';
    else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (close > 0) {
      re += bracketClass(marked.slice(i + 1, close));
      i = close;
    } else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** ps's BSD letters (`ps e`, `ps auxe`, `ps eww`) with `e`, read past the values of options that take one (`ps -o user -p 1`). */
function psShowsEnvironment(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^-[A-Za-z]*[oOpqstuUgGC]$|^--(format|sort|pid|ppid|user|group|cols|columns|lines|rows|tty)$/.test(a)) i++;
    else if (/^[A-Za-z]+$/.test(a)) {
      if (a.includes('e')) return true;
      if (/[oOpqtU]$/.test(a)) i++;
    }
  }
  return false;
}

/**
 * Whether a command names another process's environment in any word or redirection (`cat /proc/$PPID/environ`,
 * `xargs -0 < /proc/self/environ`, a pattern such as `/proc/[0-9]+/env?ron`), or is `ps` with its BSD `e` (environment) letter.
 */
function readsProcessEnvironment(cmd: SimpleCommand, ctx: GuardContext): boolean {
  if (base(cmd.argv[0]) === 'ps' && psShowsEnvironment(cmd.argv.slice(1))) return true;
  const inProc = ctx.cwd === '/proc' || ctx.cwd.startsWith('/proc/');
  for (const raw of [...cmd.argv.slice(1), ...cmd.redirects.map((r) => r.target)]) {
    for (const w of raw.includes('=') ? [raw, raw.slice(raw.indexOf('=') + 1)] : [raw]) {
      if (!inProc && !ctx.unknownCwd && !/environ|\/proc|^\/[^/]*[*?[]/.test(w)) continue;
      const word = expandKnown(w, ctx.vars);
      // A word that begins with a variable (`$D/environ`) may be absolute.
      const path = word.startsWith('/') || /^[$`]/.test(word) ? word : ctx.unknownCwd ? `$(cwd)/${word}` : posix.join(ctx.cwd, word);
      const literal = path.replace(COMPUTED_PART, '');
      // A word wholly made at run time names no file the guard can weigh (see the README).
      if (!path.startsWith('/proc/') && !/environ/.test(literal)) continue;
      if (!/[*?[]/.test(path) && literal === path) {
        if (/^\/proc\/.+\/environ$/.test(posix.normalize(path))) return true;
        continue;
      }
      const re = pathPattern(path);
      if (PROC_ENVIRON_SAMPLES.some((p) => re.test(p))) return true;
    }
  }
  return false;
}

/** The context a git command's paths resolve in: `git -C DIR` moves it. */
function inFolder(ctx: GuardContext, dir: string | null): GuardContext {
  if (dir === null) return ctx;
  const d = expandKnown(dir, ctx.vars);
  if (isComputedWord(d)) return { ...ctx, unknownCwd: `-C ${dir}` };
  if (isAbsolute(d)) return { ...ctx, cwd: normalize(d), unknownCwd: null };
  return ctx.unknownCwd ? ctx : { ...ctx, cwd: normalize(posix.join(ctx.cwd, d)) };
}

/** Every rule over one parsed command; an empty list means it may run. */
export function findingsFor(given: SimpleCommand, ctx: GuardContext): Finding[] {
  // Variables the line set, loop values included, stand in the words as the shell puts them there
  // (`o=--no-verify; git commit "$o"`); a word made of other variables stays as written.
  const cmd = ctx.vars && ctx.vars.size > 0 ? { ...given, argv: given.argv.map((w) => (w.includes('$') ? expandKnown(w, ctx.vars) : w)) } : given;
  const findings: Finding[] = [];
  if (cmd.opaque) findings.push({ reason: `${cmd.opaque}; run the commands themselves` });
  for (const [name, value] of cmd.assignments) {
    if ((name === 'HUSKY' && value === '0') || BYPASS_ENV.test(name)) findings.push({ reason: `setting ${name}=${value} is an attempt to switch hooks off; wf has no such switch` });
    if (GIT_CONFIG_ENV.test(name)) findings.push({ reason: `${name} hands git configuration (core.hooksPath, aliases) that the guard cannot check; pass settings with git -c, or none` });
    // git reads its global config from $HOME or $XDG_CONFIG_HOME: another one there is GIT_CONFIG_GLOBAL by another name.
    else if ((name === 'HOME' || name === 'XDG_CONFIG_HOME') && base(cmd.argv[0]) === 'git') findings.push({ reason: `${name}=… on git points it at another global config, which the guard cannot check; run git with your own ${name}` });
  }
  if (cmd.argv.length > 0 && (base(cmd.argv[0]) === 'export' || base(cmd.argv[0]) === 'declare' || base(cmd.argv[0]) === 'typeset')) {
    for (const w of cmd.argv.slice(1)) {
      const [name, value] = [w.split('=')[0]!, w.split('=').slice(1).join('=')];
      if ((name === 'HUSKY' && value === '0') || BYPASS_ENV.test(name)) findings.push({ reason: `exporting ${w} is an attempt to switch hooks off; wf has no such switch` });
      if (GIT_CONFIG_ENV.test(name)) findings.push({ reason: `exporting ${name} hands git configuration the guard cannot check` });
    }
  }
  if (cmd.argv.length > 0 && isComputedWord(cmd.argv[0]!) && cmd.argv.slice(1).some((a) => GITLIKE_ARG.test(a) || protectedTarget(a, ctx.cwd, ctx.root, true) !== null)) {
    findings.push({ reason: `the command's name (${cmd.argv[0]}) is made when it runs, so the guard cannot tell whether it is git; write the command's name out` });
  }
  const inline = inlineCode(cmd.argv, cmd.redirects);
  if (inline) {
    // The shell puts the line's own variables into double-quoted code before the interpreter reads it.
    const code = expandKnown(inline.code, ctx.vars);
    if (codeTouchesGit(code, inline.interpreter)) {
      findings.push({ reason: `inline ${inline.interpreter} code that mentions git or wf's files does what the guard cannot read; run git and wf commands directly` });
    } else {
      // Code that reads a variable the line gave a protected path (D=.git node -e "…process.env.D…").
      const known = [...(ctx.vars ?? new Map<string, string>()), ...cmd.assignments];
      // The value stands where the code reads the variable: judged as if written there.
      const via = known.find(([n, v]) => !isComputedWord(v) && new RegExp(`\\b${n}\\b`).test(code) && (/^\s*git\s*$/.test(v) || codeTouchesGit(code.replace(new RegExp(`\\b${n}\\b`, 'g'), JSON.stringify(v)), inline.interpreter)));
      if (via) findings.push({ reason: `inline ${inline.interpreter} code reads ${via[0]}, which holds ${via[1]}, so it does what the guard cannot read to git or wf's files; run git and wf commands directly` });
    }
    if (PROC_ENVIRON_IN_CODE.test(code)) findings.push({ reason: PROC_ENVIRON_REASON });
  }
  if (readsProcessEnvironment(cmd, ctx)) findings.push({ reason: PROC_ENVIRON_REASON });
  if (isWf(cmd.argv) && /^hooks$/.test(wfArgs(cmd.argv)[0] ?? '') && wfArgs(cmd.argv)[1] === 'uninstall') {
    findings.push({ reason: 'wf hooks uninstall switches the gates off; only a person changes that' });
  }
  if (base(cmd.argv[0]) === 'find') {
    // `find .claude -name '*.md' -exec cat {} +` only reads: the programs here write nothing of their own.
    const acts = cmd.argv.some((a, i) => /^-(delete|fprint|fprintf|fls)$/.test(a) || (/^-(exec|execdir|ok|okdir)$/.test(a) && !FIND_READERS.has(base(cmd.argv[i + 1] ?? '')) && !onlyAddsPermissions(cmd.argv.slice(i + 1))));
    const reached = acts ? findReaches(cmd.argv, ctx) : null;
    if (reached) findings.push({ reason: `find ${reached} with -exec or -delete would change files only wf may write; start it in a folder without them, or keep it out of them (-not -path './.git/*' -not -path './.claude/*')` });
  }
  for (const r of cmd.redirects) {
    if (r.op.startsWith('<') && r.op !== '<>') continue;
    const finding = writeFinding(r.target, false, ctx, `writing with ${r.op}`);
    if (finding) findings.push(finding);
  }
  for (const [name, value] of cmd.assignments) {
    if (name !== 'GIT_WORK_TREE') continue;
    const finding = writeFinding(value, true, ctx, 'GIT_WORK_TREE');
    if (finding) findings.push(finding);
  }
  if (cmd.argv.length === 0) return findings;

  const name = base(cmd.argv[0]);
  const written = writtenPaths(cmd.argv);
  const git = gitSubcommand(cmd.argv);
  const gitCtx = inFolder(ctx, git?.dir ?? null);
  if (written) {
    for (const p of written.paths) {
      const finding = writeFinding(p, written.destructive, git ? gitCtx : ctx, name, !written.links?.has(p));
      if (finding) findings.push(finding);
    }
  }
  const destinations = git ? [...gitDestinations(git.name, git.args), ...(git.workTree !== null ? [{ path: git.workTree, folder: true }] : [])] : destinationsOf(name, cmd.argv.slice(1));
  for (const d of destinations) {
    const finding = writeFinding(d.path, d.folder, git ? gitCtx : ctx, git ? `git ${git.name}` : name);
    if (finding) findings.push(finding);
  }
  if (git && (git.name === 'worktree' || git.name === 'clone')) {
    // A checkout inside git's own folder puts tracked files next to its config and hooks.
    const inside = destinations.find((d) => /(^|\/)\.git(\/|$)/i.test(relativePath(expandKnown(d.path, ctx.vars), gitCtx.cwd, ctx.root)));
    if (inside && !findings.length) findings.push({ reason: `git ${git.name} into ${inside.path} puts a checkout inside git's own folder; put it beside the repository (../name)` });
  }

  if (git) {
    for (const config of git.configs) {
      if (mentionsHooksPath(config)) findings.push({ reason: `git -c ${config} points git at other hooks, which skips wf's gates; run git without it` });
      else if (/^alias\./i.test(config)) findings.push({ reason: `git -c ${config.split('=')[0]} defines an alias, which can run anything (--no-verify included); run the git command itself` });
      else if (RISKY_CONFIG.test(config) && !HARMLESS_PROGRAM_SETTING.test(config)) findings.push({ reason: `git -c ${config.split('=')[0]} runs or includes what the guard cannot check; run git without it` });
    }
    switch (git.name) {
      case 'commit':
        if (commitSkipsHooks(git.args)) findings.push({ reason: 'git commit --no-verify (-n) skips the pre-commit and commit-msg hooks; CI verify would reject the commit anyway; commit with the hooks: wf commit' });
        break;
      case 'pull':
      case 'am':
      case 'rebase':
      case 'cherry-pick':
      case 'revert':
      case 'push':
        if (hasNoVerify(git.args)) findings.push({ reason: `git ${git.name} --no-verify skips the hooks` });
        break;
      case 'commit-tree':
        findings.push({ reason: 'git commit-tree makes a commit without any hook; use wf commit' });
        break;
      case 'clean': {
        // -x and -X delete ignored files too, and wf's state and audit log are ignored: everything recorded would go.
        const clusters = git.args.filter((a) => /^-[a-zA-Z]+$/.test(a));
        const ignored = clusters.some((a) => /[xX]/.test(a));
        const dryRun = clusters.some((a) => a.includes('n')) || git.args.includes('--dry-run');
        if (!ignored || dryRun) break;
        const kept: string[] = [];
        const paths: string[] = [];
        for (let i = 0; i < git.args.length; i++) {
          const a = git.args[i]!;
          if (a === '-e' || a === '--exclude') kept.push(git.args[++i] ?? '');
          else if (a.startsWith('--exclude=')) kept.push(a.slice(10));
          else if (/^-e./.test(a)) kept.push(a.slice(2));
          else if (a === '--') paths.push(...git.args.slice(i + 1));
          else if (!a.startsWith('-')) paths.push(a);
          if (a === '--') break;
        }
        // With -x (not -X), `-e .claude` keeps the folder; paths limit the clean to themselves.
        const keepsWf = clusters.some((a) => a.includes('x')) && !clusters.some((a) => a.includes('X')) && kept.some((k) => /^\/?\.claude(\/\*{0,2})?\/?$/.test(k));
        // With no path, git cleans the folder it runs in: below the top, .claude is out of its reach.
        const below = !gitCtx.unknownCwd && ctx.root !== null && posix.normalize(gitCtx.cwd).startsWith(`${ctx.root}/`);
        const coversWf = (paths.length === 0 && !below) || paths.some((p) => /^(\.\/?|:\/?|\*|:\(top\).*)$/.test(p) || isComputedWord(p) || protectedTarget(p, gitCtx.cwd, ctx.root, true) !== null || relativePath(p, gitCtx.cwd, ctx.root) === '.');
        if (!keepsWf && coversWf) findings.push({ reason: 'git clean -x/-X deletes ignored files, and wf keeps its state and audit log in ignored files (.claude/task-state.json, .claude/workflow-audit.log); add -e .claude to git clean -x, or name the folders to clean (git clean -fdX dist/)' });
        break;
      }
      case 'fast-import':
        findings.push({ reason: 'git fast-import writes commits and moves branches without any hook; use wf commit' });
        break;
      case 'filter-branch':
      case 'filter-repo':
        findings.push({ reason: `git ${git.name} rewrites commits without any hook, so their Review-Hash trailers no longer match; leave history rewrites to a person` });
        break;
      case 'replace':
        // Listing (`git replace`, `-l`) and deleting replacements change nothing the gates judged.
        if (nonOptions(git.args).length > 0 && !git.args.some((a) => /^(-l|--list|-d|--delete)$/.test(a))) findings.push({ reason: 'git replace makes git show another commit in place of one, past the gates; use wf commit for new work' });
        break;
      case 'update-ref': {
        // The first word is the ref; the rest are object names.
        const ref = nonOptions(git.args)[0];
        if (git.args.includes('--stdin') || (ref !== undefined && (ref === 'HEAD' || ref.startsWith('refs/heads/') || ref.startsWith('refs/replace/') || !ref.startsWith('refs/')))) {
          findings.push({ reason: 'git update-ref on a branch moves it to a commit no hook checked; use wf commit' });
        }
        break;
      }
      case 'config': {
        const words: string[] = [];
        let file: string | null = null;
        for (let i = 0; i < git.args.length; i++) {
          const a = git.args[i]!;
          if (a === '-f' || a === '--file' || a === '--blob') file = git.args[++i] ?? '';
          else if (a.startsWith('--file=')) file = a.slice(7);
          else if (a === '--type' || a === '--default' || a === '--comment' || a === '--value' || a === '--url') i++;
          else if (!a.startsWith('-')) words.push(a);
        }
        // git 2.46 spells the actions as subcommands (git config set/unset/…); a key always has a dot, so the two never clash.
        const sub = CONFIG_SUBCOMMANDS.has(words[0] ?? '') ? words.shift()! : null;
        const key = words[0] ?? '';
        const sectionOp = sub === 'rename-section' || sub === 'remove-section' || git.args.some((a) => a === '--remove-section' || a === '--rename-section');
        const edits = sub === 'edit' || git.args.some((a) => /^(--edit|-e)$/.test(a));
        const writes = sub !== null ? sub !== 'get' && sub !== 'list' : words.length > 1 || edits || git.args.some((a) => /^--(unset|unset-all|replace-all|add|remove-section|rename-section)$/.test(a));
        if (!writes) break;
        const how = `git config ${sub ?? ''}`.trim();
        const unsets = sub === 'unset' || git.args.some((a) => /^--unset(-all)?$/.test(a));
        // Taking an alias or a run-this setting away cannot skip a hook; renaming a section into alias. or include. adds one.
        const checked = sub === 'rename-section' || git.args.includes('--rename-section') ? (words[1] ?? '') : key;
        if (unsets && !mentionsHooksPath(key) && (/^alias\./i.test(key) || RISKY_CONFIG.test(key))) break;
        if (mentionsHooksPath(key) || (sectionOp && (/^core$/i.test(key) || /^core$/i.test(checked)))) findings.push({ reason: `changing core.hooksPath (${how} ${key}) would switch off the installed hooks; leave it as wf hooks install set it` });
        else if (/^alias(\.|$)/i.test(checked)) findings.push({ reason: `${how} ${key} defines an alias, which can run anything (--no-verify included); run the git command itself` });
        else if (RISKY_CONFIG.test(checked) || (sectionOp && /^(include|includeif)(\.|$)/i.test(checked))) findings.push({ reason: `${how} ${key} makes git run or include what the guard cannot check; set it by hand outside the agent if it is needed` });
        else if (!edits && isComputedWord(key)) findings.push({ reason: `${how} ${key}: the key is made when it runs, so the guard cannot tell whether it is core.hooksPath or an alias; write the key out` });
        else if (file !== null && (writeFinding(file, false, gitCtx, 'git config --file') !== null || isComputedWord(file))) findings.push({ reason: `git config --file ${file} writes git's own config by another route; run git config without --file` });
        else if (edits) findings.push({ reason: 'git config --edit opens the whole config, hooksPath and aliases included; set single keys with git config KEY VALUE' });
        break;
      }
      case 'merge': {
        if (nonOptions(git.args).some((a) => /^(refs\/)?stash(@\{\d+\})?([\^~].*)?$/.test(a))) findings.push({ reason: 'merging a stash makes a merge commit out of uncommitted work, past the gates; use git stash pop, then commit through wf' });
        if (hasNoVerify(git.args)) findings.push({ reason: `git ${git.name} --no-verify skips the hooks` });
        break;
      }
      default:
        break;
    }
  }
  return findings;
}

/** Where `cd`, `pushd` and `popd` leave the shell: a folder, or one the guard cannot tell (with the text that made it so). */
interface Place {
  cwd: string;
  unknown: string | null;
}

/** `cd "$(git rev-parse --show-toplevel)"` and `cd "$CLAUDE_PROJECT_DIR"` go to the work tree's top (Claude Code sets the variable to the project). */
const TO_TOP = /^(?:\$\(git rev-parse --show-toplevel\)|\$\{?CLAUDE_PROJECT_DIR\}?)$/;

const TO_TEMP = /^(?:\$\(mktemp -d[^()]*\)|\$\{?TMPDIR\}?)$/;

function nextPlace(here: Place, to: string, ctx: GuardContext, vars: ReadonlyMap<string, string>, what: string): Place {
  const word = expandKnown(to, vars);
  if (TO_TOP.test(word) && !vars.has('CLAUDE_PROJECT_DIR')) return ctx.root ? { cwd: ctx.root, unknown: null } : { cwd: here.cwd, unknown: what };
  // A fresh temporary folder holds nothing of git's or wf's; where it is exactly does not matter.
  if (TO_TEMP.test(word) && !vars.has('TMPDIR')) return { cwd: '/tmp/wf-guard-temporary-folder', unknown: null };
  if (/^\$\{?HOME\}?(\/|$)/.test(word) && !vars.has('HOME')) return { cwd: posix.normalize(word.replace(/^\$\{?HOME\}?/, '~')), unknown: null };
  if (isComputedWord(word)) return { cwd: here.cwd, unknown: what };
  // The shell expands a pattern (`cd .gi?` is `cd .git`); a guard that reads it literally would be elsewhere.
  if (/[*?[]/.test(word)) return { cwd: here.cwd, unknown: what };
  if (isAbsolute(word) || word.startsWith('~')) return { cwd: posix.normalize(word), unknown: null };
  // With CDPATH set, `cd hooks` may go to a folder of CDPATH's rather than one here.
  if ((vars.has('CDPATH') || ctx.cdpath) && !/^\.\.?(\/|$)/.test(word)) return { cwd: here.cwd, unknown: what };
  return here.unknown ? here : { cwd: normalize(posix.join(here.cwd, word)), unknown: null };
}

/**
 * Every rule over a command line, in order, following `cd`, `pushd` and `popd`: `cd .git && echo x > hooks/pre-commit`
 * writes what `echo x > .git/hooks/pre-commit` writes. After a `cd` to a folder made at run time, relative
 * writes are judged by their names alone.
 */
export function findingsForAll(commands: readonly SimpleCommand[], ctx: GuardContext): Finding[] {
  try {
    return judgeAll(commands, ctx);
  } catch (err) {
    // A pattern too large for a regular expression, an expression nested past the stack: a command the guard
    // cannot read is blocked with that reason, never a crash (which the hook would block as a bug).
    if (err instanceof RangeError || err instanceof SyntaxError) return [{ reason: `the command is too large or too deeply nested to read safely (${err.message}); split it into plain commands` }];
    throw err;
  }
}

function judgeAll(commands: readonly SimpleCommand[], ctx: GuardContext): Finding[] {
  let here: Place = { cwd: ctx.cwd, unknown: null };
  let previous: Place = here;
  const stack: Place[] = [];
  let vars = new Map<string, string>();
  // `for f in a b; do … $f …; done`: each value the loop gives a variable, so its commands are judged once per value.
  let loops = new Map<string, string[]>();
  const findings: Finding[] = [];
  // A substitution's subshell: what it cds to and assigns ends with it.
  const saved: Array<{ here: Place; previous: Place; stack: Place[]; vars: Map<string, string>; loops: Map<string, string[]>; listStart: Place; maybeMoved: string | null }> = [];
  // Where the current list began, and a cd in it that may not have run (`false && cd ..`).
  let listStart: Place = here;
  let maybeMoved: string | null = null;
  // The commands of the current list, for what xargs reads: `find … | sort | xargs -I{} sh -c 'rm {}'`.
  let segment: SimpleCommand[] = [];
  // `find … | while read f; do rm "$f"; done`: what the loop's read takes in, for the commands that use it.
  let readFeed: SimpleCommand | null = null;
  for (const cmd of commands) {
    if (cmd.scope === 'end') segment = [];
    const direct = !cmd.scope && (cmd.argv.some((w) => w.includes(INPUT_WORD)) || cmd.redirects.some((r) => r.target.includes(INPUT_WORD)));
    const viaRead = !cmd.scope && !direct && readFeed !== null && [...cmd.argv, ...cmd.redirects.map((r) => r.target)].some((w) => expandKnown(w, vars).includes(INPUT_WORD));
    if (direct || viaRead) {
      const fed: SimpleCommand = viaRead ? { ...cmd, argv: cmd.argv.map((w) => expandKnown(w, vars)), redirects: cmd.redirects.map((r) => ({ ...r, target: expandKnown(r.target, vars) })) } : cmd;
      const finding = xargsFinding(fed, viaRead ? readFeed : xargsSource(segment), { ...ctx, cwd: here.cwd, unknownCwd: here.unknown, vars });
      if (finding && !findings.some((seen) => seen.reason === finding.reason)) findings.push(finding);
    }
    if (!cmd.scope) segment.push(cmd);
    if (cmd.scope === 'open') {
      saved.push({ here, previous, stack: [...stack], vars: new Map(vars), loops: new Map(loops), listStart, maybeMoved });
      listStart = here;
      maybeMoved = null;
      continue;
    }
    if (cmd.scope === 'close') {
      const s = saved.pop();
      if (s) {
        ({ here, previous, vars, loops, listStart, maybeMoved } = s);
        stack.splice(0, stack.length, ...s.stack);
      }
      continue;
    }
    if (cmd.scope === 'end') {
      // After the list, the shell is where that cd took it, or where the list began: the guard cannot tell which.
      if (maybeMoved !== null && (here.cwd !== listStart.cwd || here.unknown !== listStart.unknown)) here = { cwd: here.cwd, unknown: `${maybeMoved}, which may not have run` };
      listStart = here;
      maybeMoved = null;
      continue;
    }
    for (const each of loopBindings(cmd, vars, loops)) {
      for (const f of findingsFor(cmd, { ...ctx, cwd: here.cwd, unknownCwd: here.unknown, vars: each })) {
        if (!findings.some((seen) => seen.reason === f.reason)) findings.push(f);
      }
    }
    // `read f`, `printf -v f …`, `mapfile f`: a value the guard never sees, loop variable or not.
    if (/^(read|mapfile|readarray)$/.test(cmd.argv[0] ?? '') || (cmd.argv[0] === 'printf' && cmd.argv.includes('-v'))) {
      for (const w of cmd.argv[0] === 'printf' ? [cmd.argv[cmd.argv.indexOf('-v') + 1] ?? ''] : cmd.argv.slice(1).filter((a) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(a))) {
        vars.delete(w);
        loops.delete(w);
      }
    }
    if (cmd.argv.length === 0 || /^(export|declare|typeset|local|readonly)$/.test(base(cmd.argv[0]))) {
      const pairs = cmd.argv.length === 0 ? cmd.assignments : cmd.argv.slice(1).filter((w) => w.includes('=')).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] as [string, string]);
      for (const [n, v] of pairs) {
        loops.delete(n);
        const known = expandKnown(v, vars);
        // `g=$f` in a loop: g takes each of f's values.
        const loop = [...loops].find(([l]) => new RegExp(`\\$\\{?${l}\\b`).test(known));
        if (loop) {
          vars.delete(n);
          loops.set(n, loop[1].map((value) => expandKnown(known, new Map([...vars, [loop[0], value]]))));
        } else if (isComputedWord(known)) vars.delete(n);
        else vars.set(n, known);
      }
    }
    // `read f <<< value`: one variable, a here-string the guard can read.
    if (cmd.argv[0] === 'read') {
      const names = cmd.argv.slice(1).filter((a) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(a));
      const input = cmd.redirects.find((r) => r.op === '<<<' && (r.fd ?? 0) === 0);
      if (names.length === 1 && input && !isComputedWord(input.target)) vars.set(names[0]!, input.target.trim());
    }
    if (cmd.argv[0] === 'read' && cmd.piped) {
      // The producer before it in the pipeline (the read itself is the segment's last command by now).
      const feeding = xargsSource(segment.slice(0, -1));
      const names = cmd.argv.slice(1).filter((a) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(a));
      if (feeding && names.length > 0) {
        readFeed = feeding;
        // Each line the producer prints lands in these variables.
        for (const n of names) vars.set(n, INPUT_WORD);
      }
    }
    if ((cmd.argv[0] === 'for' || cmd.argv[0] === 'select') && cmd.argv[2] === 'in' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(cmd.argv[1] ?? '')) {
      const [, n, , ...words] = cmd.argv as [string, string, string, ...string[]];
      vars.delete(n);
      // Values as the shell makes them: braces expanded, the line's variables and other loops' values put in.
      const values = words.flatMap(braceExpand).flatMap((w) => {
        const known = expandKnown(w, vars);
        const loop = [...loops].find(([l]) => new RegExp(`\\$\\{?${l}\\b`).test(known));
        return loop ? loop[1].map((value) => expandKnown(known, new Map([...vars, [loop[0], value]]))) : [known];
      });
      // A value made when it runs (`for f in $(ls)`) leaves the variable unknown, like any word made at run time.
      if (values.length > 0 && !values.some(isComputedWord)) loops.set(n, values.slice(0, MAX_LOOP_BINDINGS));
      else loops.delete(n);
    }
    const name = base(cmd.argv[0]);
    if (name !== 'cd' && name !== 'pushd' && name !== 'popd' && name !== 'chdir') continue;
    const operands = nonOptions(cmd.argv.slice(1));
    const what = cmd.argv.join(' ');
    if (cmd.conditional) maybeMoved = what;
    const from = here;
    if (name === 'popd') here = stack.pop() ?? here;
    else if (operands.length > 1 || /^[+-]\d+$/.test(operands[0] ?? '')) here = { cwd: here.cwd, unknown: what };
    else if (name === 'pushd' && operands.length === 0) {
      const top = stack.pop();
      if (top) {
        stack.push(here);
        here = top;
      }
    } else if (operands.length === 0) here = { cwd: '~', unknown: null };
    else if (operands[0] === '-' && name !== 'pushd') here = previous;
    else {
      if (name === 'pushd') stack.push(here);
      here = nextPlace(here, operands[0]!, ctx, vars, what);
    }
    previous = from;
  }
  return findings;
}

/** `chmod +x {}`: a mode that only adds permissions cannot switch a hook off (`-x`, `=`, or `644` could). */
function onlyAddsPermissions(command: readonly string[]): boolean {
  if (base(command[0]) !== 'chmod') return false;
  const mode = command.slice(1).find((w) => !/^-[a-zA-Z]+$/.test(w) && !w.startsWith('--'));
  return mode !== undefined && mode.split(',').every((clause) => /^[ugoa]*\+[rwxX]+$/.test(clause));
}

/** git's own names inside .git, and sample object and pack names, which a find from above .git reaches. */
const GIT_FOLDER_NAMES = ['HEAD', 'ORIG_HEAD', 'FETCH_HEAD', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'REBASE_HEAD', 'BISECT_LOG', 'AUTO_MERGE', 'commit-graph', 'sparse-checkout', 'refs/heads/main', 'refs/heads/master', 'refs/heads/develop', 'refs/stash', 'refs/notes/wf-attestations', 'COMMIT_EDITMSG', 'index', 'packed-refs', 'config', 'config.worktree', 'commondir', 'gitdir', 'description', 'shallow', 'info', 'exclude', 'objects', 'pack', 'refs', 'heads', 'tags', 'remotes', 'logs', 'worktrees', 'modules', 'ab', 'cdef0123456789abcdef0123456789abcdef01', 'pack-0123456789abcdef0123456789abcdef01234567.pack', 'pack-0123456789abcdef0123456789abcdef01234567.idx', 'pack-0123456789abcdef0123456789abcdef01234567.rev'];

const GIT_FOLDER_DIRS = new Set(['info', 'objects', 'pack', 'refs', 'heads', 'tags', 'remotes', 'logs', 'worktrees', 'modules', 'ab']);
const HOME_CONFIG = new Set<string>(['.gitconfig', '.config/git/config', '/etc/gitconfig']);

/** find's glob as a regular expression: for -path, `*` crosses `/`, as find's own matching does. */
function findGlob(pattern: string, crossesSlash: boolean, ignoreCase: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    const close = ch === '[' ? pattern.indexOf(']', i + 2) : -1;
    if (ch === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
    else if (ch === '*') re += crossesSlash ? '.*' : '[^/]*';
    else if (ch === '?') re += crossesSlash ? '.' : '[^/]';
    else if (close > 0) {
      re += bracketClass(pattern.slice(i + 1, close));
      i = close;
    } else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, ignoreCase ? 'is' : 's');
}

/**
 * Whether find may hand a protected path to what it runs (-exec, -delete, or xargs after it): a start inside or
 * above .git, .claude or the home folder, and a protected path that passes every test of the expression
 * (`-name`, `-path`, `-type`, negated with `!` or `-not`; other tests are taken to hold), within -maxdepth.
 * The one `-o` it reads is the pruning idiom (`-path ./.git -prune -o …`); any other `-o`, a comma or
 * parentheses cannot be judged this way. Returns the start, described, or null.
 */
function findReaches(argv: readonly string[], ctx: GuardContext, via: 'exec' | 'print' = 'exec'): string | null {
  // -H, -L, -P, -D opts and -O level come before the starting points.
  let at = 1;
  while (at < argv.length && /^-([HLP]|O\d*|D)$/.test(argv[at]!)) at += argv[at] === '-D' ? 2 : 1;
  const first = argv.findIndex((a, i) => i >= at && /^[-(!]/.test(a));
  const starts = (first < 0 ? argv.slice(at) : argv.slice(at, first)).map((p) => expandKnown(p, ctx.vars));
  // The expression without what -exec runs (its words are the program's, not tests).
  const expression: string[] = [];
  for (let i = first < 0 ? argv.length : first; i < argv.length; i++) {
    if (/^-(exec|execdir|ok|okdir)$/.test(argv[i]!)) {
      const program = argv.slice(i + 1);
      const reads = FIND_READERS.has(base(program[0])) || onlyAddsPermissions(program);
      while (i < argv.length && argv[i] !== ';' && argv[i] !== '+') i++;
      expression.push(reads ? '-exec-read' : '-exec');
    } else expression.push(argv[i]!);
  }
  const inside = starts.map((p) => protectedTarget(p, ctx.cwd, ctx.root, true)).find((t) => t !== null);
  if (inside) return `under ${inside}`;
  const above = (starts.length === 0 ? ['.'] : starts).find((start) => {
    const word = expandKnown(start, ctx.vars);
    if (isComputedWord(word) || GLOB.test(word) || word.startsWith('~')) return true;
    if (ctx.unknownCwd && !isAbsolute(word)) return true;
    const abs = posix.normalize(isAbsolute(word) ? word : posix.join(ctx.cwd, word)).replace(/(.)\/+$/, '$1');
    return ctx.root !== null && (abs === ctx.root || ctx.root.startsWith(abs === '/' ? '/' : `${abs}/`));
  });
  if (above === undefined) return null;
  const unjudged = `from ${above}`;
  const tree = parseFindExpression(expression);
  if (tree === null) return unjudged;
  const depthOf = (flag: string) => {
    const i = expression.indexOf(flag);
    return i >= 0 && /^\d+$/.test(expression[i + 1] ?? '') ? Number(expression[i + 1]) : null;
  };
  const maxDepth = depthOf('-maxdepth');
  const minDepth = depthOf('-mindepth');
  // -delete and -depth visit a folder's contents first, so -prune stops nothing (GNU find says as much).
  const depthFirst = expression.includes('-delete') || expression.includes('-depth');
  const printing = via === 'print' && !containsAction(tree);
  // The paths as find prints them: the start as typed, then the way down to the repository's top.
  const down = ctx.root && !isComputedWord(above) && !above.startsWith('~') ? posix.relative(posix.normalize(isAbsolute(above) ? above : posix.join(ctx.cwd, above)), ctx.root) : '';
  const prefix = `${above === '/' ? '' : above.replace(/\/+$/, '')}/${down === '' ? '' : `${down}/`}`;
  // The user's own git config is only reached from the home folder (or /), not from the repository.
  const home = above.startsWith('~') || above === '/';
  const files = [...PROTECTED_FILES.filter((f) => home || !HOME_CONFIG.has(f)), ...[...HOOK_NAMES].map((h) => `.git/hooks/${h}`), ...GIT_FOLDER_NAMES.filter((n) => !GIT_FOLDER_DIRS.has(n)).map((n) => `.git/${n}`)];
  const folders = [...PROTECTED_DIRS, ...[...GIT_FOLDER_DIRS].map((n) => `.git/${n}`)];
  // .git is a folder, or in a linked worktree a file; the folder is what `-type f` filters keep out of.
  const samples = [...files.filter((p) => p !== '.git').map((p) => ({ path: p, kind: 'f' as const })), ...folders.map((p) => ({ path: p, kind: 'd' as const }))];
  const printed = (rel: string) => (isAbsolute(rel) ? rel : prefix + rel);
  const depth = (rel: string) => (isAbsolute(rel) ? 0 : rel.split('/').length + (down === '' ? 0 : down.split('/').length));
  const reached = samples.some(({ path, kind }) => {
    const d = depth(path);
    if ((maxDepth !== null && d > maxDepth) || (minDepth !== null && d < minDepth)) return false;
    if (!depthFirst && !isAbsolute(path)) {
      // A folder on the way down that is certainly pruned hides everything below it.
      const parts = path.split('/');
      for (let k = 1; k < parts.length; k++) {
        if (evaluateFind(tree, printed(parts.slice(0, k).join('/')), 'd', via).prune === YES) return false;
      }
    }
    const r = evaluateFind(tree, printed(path), kind, via);
    return (printing ? r.value : r.act) !== NO;
  });
  return reached ? `from ${above}` : null;
}

/** find's expression as a tree; null where it cannot be read (unbalanced parentheses, a test without its value). */
type FindNode = { op: 'and' | 'or' | 'comma'; left: FindNode; right: FindNode } | { op: 'not'; of: FindNode } | { op: 'term'; name: string; value: string | undefined };

const FIND_TAKES_VALUE = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-type', '-xtype', '-newer', '-anewer', '-cnewer', '-user', '-group', '-perm', '-size', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-links', '-inum', '-samefile', '-lname', '-ilname', '-fstype', '-uid', '-gid', '-used', '-maxdepth', '-mindepth', '-printf', '-fprint', '-fprint0', '-fls', '-regextype', '-context']);

function parseFindExpression(words: readonly string[]): FindNode | null {
  let i = 0;
  const fail = (): never => {
    throw new Error('unreadable find expression');
  };
  const primary = (): FindNode => {
    const w = words[i++] ?? fail();
    if (w === '!' || w === '-not') return { op: 'not', of: primary() };
    if (w === '(') {
      const inner = comma();
      if (words[i++] !== ')') fail();
      return inner;
    }
    if (w === ')' || w === '-o' || w === '-or' || w === ',' || w === '-a' || w === '-and') fail();
    if (w === '-fprintf') {
      i += 2;
      return { op: 'term', name: w, value: undefined };
    }
    if (FIND_TAKES_VALUE.has(w) || /^-newer[a-zA-Z]{2}$/.test(w)) return { op: 'term', name: w, value: words[i++] ?? fail() };
    return { op: 'term', name: w, value: undefined };
  };
  const and = (): FindNode => {
    let left = primary();
    while (i < words.length && words[i] !== ')' && words[i] !== '-o' && words[i] !== '-or' && words[i] !== ',') {
      if (words[i] === '-a' || words[i] === '-and') i++;
      left = { op: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): FindNode => {
    let left = and();
    while (words[i] === '-o' || words[i] === '-or') {
      i++;
      left = { op: 'or', left, right: and() };
    }
    return left;
  };
  const comma = (): FindNode => {
    let left = or();
    while (words[i] === ',') {
      i++;
      left = { op: 'comma', left, right: or() };
    }
    return left;
  };
  if (words.length === 0) return { op: 'term', name: '-true', value: undefined };
  try {
    const tree = comma();
    return i === words.length ? tree : null;
  } catch {
    return null;
  }
}

/** Three-valued truth for find's tests the guard cannot evaluate (-newer, -size, an -exec's exit status). */
const NO = 0;
const MAYBE = 0.5;
const YES = 1;
type Truth = typeof NO | typeof MAYBE | typeof YES;
const and3 = (a: Truth, b: Truth): Truth => Math.min(a, b) as Truth;
const or3 = (a: Truth, b: Truth): Truth => Math.max(a, b) as Truth;
const not3 = (a: Truth): Truth => (1 - a) as Truth;

const PRINTS = /^-(print|print0|printf|ls|fprint|fprint0|fprintf|fls)$/;

function containsAction(node: FindNode): boolean {
  if (node.op === 'term') return node.name === '-exec' || node.name === '-exec-read' || node.name === '-delete' || node.name === '-quit' || PRINTS.test(node.name);
  if (node.op === 'not') return containsAction(node.of);
  return containsAction(node.left) || containsAction(node.right);
}

/**
 * One path through find's expression: its value, whether the acting part runs on it (-delete, a writing -exec,
 * or with `via` print whatever prints it for xargs), and whether -prune runs on it.
 */
function evaluateFind(node: FindNode, sample: string, kind: 'f' | 'd', via: 'exec' | 'print'): { value: Truth; act: Truth; prune: Truth } {
  if (node.op === 'not') {
    const r = evaluateFind(node.of, sample, kind, via);
    return { ...r, value: not3(r.value) };
  }
  if (node.op !== 'term') {
    const l = evaluateFind(node.left, sample, kind, via);
    const r = evaluateFind(node.right, sample, kind, via);
    // -a runs the right side when the left holds, -o when it does not, a comma always.
    const runs = node.op === 'and' ? l.value : node.op === 'or' ? not3(l.value) : YES;
    return { value: node.op === 'and' ? and3(l.value, r.value) : node.op === 'or' ? or3(l.value, r.value) : r.value, act: or3(l.act, and3(runs, r.act)), prune: or3(l.prune, and3(runs, r.prune)) };
  }
  const { name, value } = node;
  const none = { act: NO as Truth, prune: NO as Truth };
  if (value !== undefined && /^-i?name$/.test(name)) return { value: findGlob(value, false, name === '-iname').test(sample.slice(sample.lastIndexOf('/') + 1)) ? YES : NO, ...none };
  if (value !== undefined && /^-i?(path|wholename)$/.test(name)) return { value: findGlob(value, true, name.startsWith('-i')).test(sample) ? YES : NO, ...none };
  // What the guard protects is files and folders: `-type l` (or `f,d`, GNU's list) is judged on that.
  if (value !== undefined && name === '-type' && /^[bcdpflsD](,[bcdpflsD])*$/.test(value)) return { value: value.split(',').includes(kind) ? YES : NO, ...none };
  if (name === '-true' || name === '-maxdepth' || name === '-mindepth' || name === '-depth') return { value: YES, ...none };
  if (name === '-false') return { value: NO, ...none };
  if (name === '-prune') return { value: YES, act: NO, prune: YES };
  if (name === '-delete' || name === '-exec') return { value: MAYBE, act: YES, prune: NO };
  if (PRINTS.test(name)) return { value: YES, act: via === 'print' ? YES : NO, prune: NO };
  return { value: MAYBE, ...none };
}

/** Programs that pass on (some of) the names they read: what xargs reads after them is what came before them. */
const NAME_FILTERS = new Set(['sort', 'uniq', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'rg', 'cat', 'tac', 'tr', 'cut', 'tee', 'sed', 'awk']);

/** The command whose output xargs reads: the last of the list before it, past filters it was piped through. */
function xargsSource(segment: readonly SimpleCommand[]): SimpleCommand | null {
  let k = segment.length - 1;
  // Commands the same xargs runs (`sh -c 'echo {}; rm {}'`) come before it in the list; they are not its input.
  while (k >= 0 && (segment[k]!.argv.some((w) => w.includes(INPUT_WORD)) || segment[k]!.redirects.some((r) => r.target.includes(INPUT_WORD)))) k--;
  while (k > 0 && NAME_FILTERS.has(base(segment[k]!.argv[0])) && segment[k]!.piped) k--;
  return k >= 0 ? segment[k]! : null;
}

/**
 * xargs running a program on names it reads from a pipe: `echo .git/hooks/pre-commit | xargs rm` writes what
 * `rm .git/hooks/pre-commit` writes, and `find . -name pre-commit | xargs rm` what `find … -delete` does.
 * Names from any other program are made when it runs, like any such word.
 */
function xargsFinding(cmd: SimpleCommand, feeding: SimpleCommand | null, ctx: GuardContext): Finding | null {
  const consumer = base(cmd.argv[0]);
  // xargs's own here-string or here-document is its input (`xargs rm <<< .git/hooks/pre-commit`).
  const own = [...cmd.redirects].reverse().find((r) => r.op.startsWith('<') && (r.fd ?? 0) === 0 && (r.body !== undefined || r.op === '<<<'));
  let words: string[];
  if (own) words = (own.body ?? own.target).split(/\s+/);
  else if (feeding === null) return null;
  else {
    const producer = base(feeding.argv[0]);
    if (producer === 'find') {
      if (FIND_READERS.has(consumer) && !cmd.redirects.some((r) => r.target.includes(INPUT_WORD))) return null;
      const reached = findReaches(feeding.argv, ctx, 'print');
      return reached ? { reason: `${consumer} on the names find ${reached} lists would change files only wf may write; start find in a folder without them, or keep it out of them (-not -path './.git/*' -not -path './.claude/*')` } : null;
    }
    // `ls -d .git/hooks/*` prints the names it is given (a folder's own names without -d, which are inside it).
    if (producer === 'ls') words = feeding.argv.slice(1).filter((w) => !w.startsWith('-')).flatMap((w) => [w, `${w}/pre-commit`]);
    else if (producer === 'echo' || producer === 'printf') words = producer === 'printf' ? feeding.argv.slice(2) : feeding.argv.slice(1).filter((w) => !/^-[neE]+$/.test(w));
    else return null;
  }
  const each = words.flatMap((w) => w.split(/\s+/)).filter((w) => w !== '');
  for (const word of each.slice(0, MAX_LOOP_BINDINGS)) {
    const put = (w: string) => w.split(INPUT_WORD).join(word);
    const expanded: SimpleCommand = { ...cmd, argv: cmd.argv.map(put), redirects: cmd.redirects.filter((r) => r !== own).map((r) => ({ ...r, target: put(r.target) })), piped: false };
    const found = findingsFor(expanded, ctx)[0];
    if (found) return found;
  }
  return null;
}

/** At most this many value combinations of loop variables are tried on one command. */
const MAX_LOOP_BINDINGS = 64;

/** The variable maps to judge a command under: one per combination of the loop values it uses. */
function loopBindings(cmd: SimpleCommand, vars: Map<string, string>, loops: ReadonlyMap<string, string[]>): Array<Map<string, string>> {
  if (loops.size === 0) return [vars];
  const text = [...cmd.argv, ...cmd.redirects.map((r) => r.target), ...cmd.assignments.map(([, v]) => v)].join('\n');
  let maps = [vars];
  for (const [n, values] of loops) {
    if (!new RegExp(`\\$\\{?${n}\\b`).test(text)) continue;
    maps = maps.flatMap((m) => values.map((v) => new Map(m).set(n, v))).slice(0, MAX_LOOP_BINDINGS);
  }
  return maps;
}

/** Is this a plain `git commit` the gates should judge before it runs? */
export function isGatedCommit(cmd: SimpleCommand): { dir: string | null; amend: boolean } | null {
  const git = gitSubcommand(cmd.argv);
  if (!git || git.name !== 'commit') return null;
  if (git.args.some((a) => a === '--dry-run' || a === '-h' || a === '--help')) return null;
  return { dir: git.dir, amend: git.args.some((a) => a.startsWith('--amen')) };
}
