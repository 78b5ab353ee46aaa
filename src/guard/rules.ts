import { isAbsolute, normalize, posix } from 'node:path';
import type { SimpleCommand } from './shell-parse.js';

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
  '.git/MERGE_HEAD',
] as const;

/** Folders every file of which is protected: any hook git may run. */
const PROTECTED_PREFIXES = ['.git/hooks/', '.husky/_/'];

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

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) re += ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|/)${re}$`);
}

/** Which protected file (or folder holding one) a path word names, if any. */
export function protectedTarget(word: string, cwd: string, root: string | null, includeDirs: boolean): string | null {
  const rel = relativePath(word, cwd, root).replace(/\/+$/, '');
  if (/[*?[]/.test(word)) {
    const re = globToRegExp(rel);
    return PROTECTED_FILES.find((f) => re.test(f)) ?? (includeDirs ? (PROTECTED_DIRS.find((d) => re.test(d)) ?? null) : null);
  }
  const file = PROTECTED_FILES.find((f) => rel === f || rel.endsWith(`/${f}`));
  if (file) return file;
  for (const prefix of PROTECTED_PREFIXES) {
    if (rel.startsWith(prefix) && rel.length > prefix.length) return rel;
    const i = rel.indexOf(`/${prefix}`);
    if (i >= 0 && rel.length > i + 1 + prefix.length) return rel.slice(i + 1);
  }
  if (includeDirs) return PROTECTED_DIRS.find((d) => rel === d || rel.endsWith(`/${d}`)) ?? null;
  return null;
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
function writtenPaths(argv: string[]): { paths: string[]; destructive: boolean } | null {
  const name = base(argv[0]);
  const args = argv.slice(1);
  const plain = nonOptions(args);
  switch (name) {
    case 'rm':
    case 'unlink':
    case 'shred':
    case 'rmdir':
      return { paths: plain, destructive: true };
    case 'mv':
      return { paths: plain, destructive: true };
    case 'truncate':
    case 'tee':
    case 'chmod':
    case 'chown':
    case 'chgrp':
    case 'chattr':
    case 'touch':
      return name === 'touch' ? null : { paths: plain, destructive: name !== 'tee' && name !== 'truncate' };
    case 'ln':
      // A link to a protected folder or file is a way to write it later under another name.
      return { paths: plain, destructive: true };
    case 'cp':
    case 'install':
    case 'rsync':
    case 'scp': {
      const t = args.findIndex((a) => a === '-t' || a === '--target-directory');
      if (t >= 0 && args[t + 1]) return { paths: [args[t + 1]!], destructive: false };
      return { paths: plain.slice(-1), destructive: false };
    }
    case 'sed':
    case 'perl':
    case 'ruby':
      return args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place')) ? { paths: plain, destructive: false } : null;
    case 'dd':
      return { paths: args.filter((a) => a.startsWith('of=')).map((a) => a.slice(3)), destructive: false };
    case 'git': {
      const sub = gitSubcommand(argv);
      if (!sub) return null;
      if (['checkout', 'restore', 'rm', 'mv', 'clean', 'stash'].includes(sub.name)) return { paths: nonOptions(sub.args), destructive: sub.name !== 'checkout' && sub.name !== 'restore' };
      return null;
    }
    default:
      return null;
  }
}

interface GitInvocation {
  name: string;
  args: string[];
  configs: string[];
  dir: string | null;
}

const GIT_GLOBAL_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env', '--super-prefix', '--list-cmds']);

export function gitSubcommand(argv: string[]): GitInvocation | null {
  if (base(argv[0]) !== 'git') return null;
  const configs: string[] = [];
  let dir: string | null = null;
  let i = 1;
  for (; i < argv.length; i++) {
    const w = argv[i]!;
    if (!w.startsWith('-')) break;
    const [flag, inline] = w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, null];
    if (GIT_GLOBAL_WITH_VALUE.has(flag) || (flag === '-c' && inline === null)) {
      const value = inline ?? argv[++i] ?? '';
      if (flag === '-c' || flag === '--config-env') configs.push(value);
      if (flag === '-C') dir = dir ? posix.join(dir, value) : value;
    }
  }
  const name = argv[i];
  return name ? { name, args: argv.slice(i + 1), configs, dir } : null;
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
/** Inline code that names git, its folder, hooks, or wf's files. */
const TOUCHES_GIT = /\bgit\b|\.git\b|hooks|hookspath|task-state|workflow-audit|settings(\.local)?\.json|MERGE_HEAD/i;
const INTERPRETERS: Record<string, RegExp> = {
  python: /^-c$/, node: /^(-e|--eval|-p|--print)$/, nodejs: /^(-e|--eval|-p|--print)$/, bun: /^(-e|--eval|-p|--print)$/, deno: /^eval$/,
  perl: /^-[a-zA-Z]*[eE]$/, ruby: /^-[a-zA-Z]*e$/, php: /^-r$/, lua: /^-e$/, osascript: /^-e$/,
};

/** A word whose text exists only when the shell runs it: a substitution, a variable, brace expansion. */
function isComputedWord(word: string): boolean {
  return /\$|`/.test(word) || /\{[^{}]*,[^{}]*\}/.test(word) || /^[<>]\(/.test(word);
}

function inlineCode(argv: string[]): { interpreter: string; code: string } | null {
  const b = base(argv[0]);
  const name = /^python[\d.]*$/.test(b) ? 'python' : b;
  const flag = Object.hasOwn(INTERPRETERS, name) ? INTERPRETERS[name] : undefined;
  if (!flag) return null;
  const at = argv.findIndex((a, i) => i > 0 && flag.test(a));
  if (at < 0 || argv[at + 1] === undefined) return null;
  return { interpreter: base(argv[0]), code: argv[at + 1]! };
}

/** wf, however it is started: wf, npx wf, node_modules/.bin/wf, node bin/wf.js. */
function isWf(argv: string[]): boolean {
  const b = base(argv[0]);
  if (b === 'wf' || b === 'wf.js') return true;
  if ((b === 'npx' || b === 'pnpx' || b === 'bunx') && argv.slice(1).find((a) => !a.startsWith('-')) === 'wf') return true;
  if ((b === 'node' || b === 'pnpm' || b === 'yarn') && /(^|\/)(wf|wf\.js)$/.test(argv.slice(1).find((a) => !a.startsWith('-')) ?? '')) return true;
  return false;
}

function wfArgs(argv: string[]): string[] {
  const i = argv.findIndex((a, n) => n > 0 && /(^|\/)(wf|wf\.js)$/.test(a));
  return (base(argv[0]) === 'wf' || base(argv[0]) === 'wf.js' ? argv.slice(1) : argv.slice(i + 1)).filter((a) => !a.startsWith('-'));
}

const hasNoVerify = (args: string[]) => args.some((a) => a !== '--' && a.startsWith('--no-ver') && '--no-verify'.startsWith(a.split('=')[0]!));
const mentionsHooksPath = (text: string) => /core\.hookspath/i.test(text);
/** Settings that make git run a program or read more config: fsmonitor, includes, ssh and editor commands. */
const RISKY_CONFIG = /^(include\.|includeif\.|core\.fsmonitor|core\.sshcommand|core\.editor|sequence\.editor|core\.pager|diff\.external|gpg\.program|credential\.helper)/i;

export interface GuardContext {
  cwd: string;
  root: string | null;
}

/** Every rule over one parsed command; an empty list means it may run. */
export function findingsFor(cmd: SimpleCommand, ctx: GuardContext): Finding[] {
  const findings: Finding[] = [];
  if (cmd.opaque) findings.push({ reason: `${cmd.opaque}; run the commands themselves` });
  for (const [name, value] of cmd.assignments) {
    if ((name === 'HUSKY' && value === '0') || BYPASS_ENV.test(name)) findings.push({ reason: `setting ${name}=${value} is an attempt to switch hooks off; wf has no such switch` });
    if (GIT_CONFIG_ENV.test(name)) findings.push({ reason: `${name} hands git configuration (core.hooksPath, aliases) that the guard cannot check; pass settings with git -c, or none` });
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
  const inline = inlineCode(cmd.argv);
  if (inline && TOUCHES_GIT.test(inline.code)) {
    findings.push({ reason: `inline ${inline.interpreter} code that mentions git or wf's files does what the guard cannot read; run git and wf commands directly` });
  }
  if (isWf(cmd.argv) && /^hooks$/.test(wfArgs(cmd.argv)[0] ?? '') && wfArgs(cmd.argv)[1] === 'uninstall') {
    findings.push({ reason: 'wf hooks uninstall switches the gates off; only a person changes that' });
  }
  if (base(cmd.argv[0]) === 'find') {
    const starts = cmd.argv.slice(1, Math.max(1, cmd.argv.slice(1).findIndex((a) => /^[-(!]/.test(a)) + 1) || cmd.argv.length);
    const acts = cmd.argv.some((a) => /^-(exec|execdir|ok|okdir|delete|fprint|fprintf|fls)$/.test(a));
    const target = starts.map((p) => protectedTarget(p, ctx.cwd, ctx.root, true)).find((t) => t !== null);
    if (acts && target) findings.push({ reason: `find under ${target} with -exec or -delete would change files only wf may write` });
  }
  for (const r of cmd.redirects) {
    if (r.op.startsWith('<') && r.op !== '<>') continue;
    const target = protectedTarget(r.target, ctx.cwd, ctx.root, false);
    if (target) findings.push({ reason: `writing to ${target} with ${r.op} would forge wf's evidence or disable its hooks` });
  }
  if (cmd.argv.length === 0) return findings;

  const written = writtenPaths(cmd.argv);
  if (written) {
    for (const p of written.paths) {
      const target = protectedTarget(p, ctx.cwd, ctx.root, written.destructive);
      if (target) findings.push({ reason: `${base(cmd.argv[0])} would change ${target}, which only wf itself may write` });
    }
  }

  const git = gitSubcommand(cmd.argv);
  if (git) {
    for (const config of git.configs) {
      if (mentionsHooksPath(config)) findings.push({ reason: `git -c ${config} points git at other hooks, which skips wf's gates` });
      else if (/^alias\./i.test(config)) findings.push({ reason: `git -c ${config.split('=')[0]} defines an alias, which can run anything (--no-verify included); run the git command itself` });
      else if (RISKY_CONFIG.test(config)) findings.push({ reason: `git -c ${config.split('=')[0]} runs or includes what the guard cannot check` });
    }
    switch (git.name) {
      case 'commit':
        if (commitSkipsHooks(git.args)) findings.push({ reason: 'git commit --no-verify (-n) skips the pre-commit and commit-msg hooks; CI verify would reject the commit anyway' });
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
      case 'update-ref': {
        // The first word is the ref; the rest are object names.
        const ref = nonOptions(git.args)[0];
        if (git.args.includes('--stdin') || (ref !== undefined && (ref === 'HEAD' || ref.startsWith('refs/heads/') || !ref.startsWith('refs/')))) {
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
          else if (a === '--type' || a === '--default' || a === '--comment') i++;
          else if (!a.startsWith('-')) words.push(a);
        }
        const key = words[0] ?? '';
        const writes = words.length > 1 || git.args.some((a) => /^(--(unset|unset-all|replace-all|add|remove-section|rename-section|edit)|-e)$/.test(a));
        if (!writes) break;
        if (mentionsHooksPath(key)) findings.push({ reason: 'changing core.hooksPath would switch off the installed hooks' });
        else if (/^alias\./i.test(key)) findings.push({ reason: `git config ${key} defines an alias, which can run anything (--no-verify included); run the git command itself` });
        else if (RISKY_CONFIG.test(key)) findings.push({ reason: `git config ${key} makes git run or include what the guard cannot check` });
        else if (file !== null && protectedTarget(file, ctx.cwd, ctx.root, false)) findings.push({ reason: `git config --file ${file} writes git's own config by another route` });
        else if (git.args.some((a) => /^(--edit|-e)$/.test(a))) findings.push({ reason: 'git config --edit opens the whole config, hooksPath and aliases included' });
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

/**
 * Every rule over a command line, in order, following `cd` and `pushd`: `cd .git && echo x > hooks/pre-commit`
 * writes what `echo x > .git/hooks/pre-commit` writes.
 */
export function findingsForAll(commands: readonly SimpleCommand[], ctx: GuardContext): Finding[] {
  let cwd = ctx.cwd;
  const findings: Finding[] = [];
  for (const cmd of commands) {
    findings.push(...findingsFor(cmd, { ...ctx, cwd }));
    const name = base(cmd.argv[0]);
    if ((name === 'cd' || name === 'pushd') && cmd.argv.length <= 3) {
      const to = nonOptions(cmd.argv.slice(1))[0];
      if (to === undefined || to === '-' || to.startsWith('~') || isComputedWord(to)) cwd = ctx.cwd;
      else cwd = isAbsolute(to) ? normalize(to) : normalize(posix.join(cwd, to));
    }
  }
  return findings;
}

/** Is this a plain `git commit` the gates should judge before it runs? */
export function isGatedCommit(cmd: SimpleCommand): { dir: string | null; amend: boolean } | null {
  const git = gitSubcommand(cmd.argv);
  if (!git || git.name !== 'commit') return null;
  if (git.args.some((a) => a === '--dry-run' || a === '-h' || a === '--help')) return null;
  return { dir: git.dir, amend: git.args.some((a) => a.startsWith('--amen')) };
}
