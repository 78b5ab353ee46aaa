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
] as const;

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
    case 'cp':
    case 'install':
    case 'ln':
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

const hasNoVerify = (args: string[]) => args.some((a) => a !== '--' && a.startsWith('--no-ver') && '--no-verify'.startsWith(a.split('=')[0]!));
const mentionsHooksPath = (text: string) => /core\.hookspath/i.test(text);

export interface GuardContext {
  cwd: string;
  root: string | null;
}

/** Every rule over one parsed command; an empty list means it may run. */
export function findingsFor(cmd: SimpleCommand, ctx: GuardContext): Finding[] {
  const findings: Finding[] = [];
  for (const [name, value] of cmd.assignments) {
    if ((name === 'HUSKY' && value === '0') || BYPASS_ENV.test(name)) findings.push({ reason: `setting ${name}=${value} is an attempt to switch hooks off; wf has no such switch` });
    if (/^GIT_CONFIG_(PARAMETERS|VALUE_\d+|KEY_\d+)$/.test(name) && mentionsHooksPath(value)) findings.push({ reason: `${name} redirects core.hooksPath, which would skip the git hooks` });
  }
  if (cmd.argv.length > 0 && base(cmd.argv[0]) === 'export') {
    for (const w of cmd.argv.slice(1)) {
      const [name, value] = [w.split('=')[0]!, w.split('=').slice(1).join('=')];
      if ((name === 'HUSKY' && value === '0') || BYPASS_ENV.test(name)) findings.push({ reason: `exporting ${w} is an attempt to switch hooks off; wf has no such switch` });
    }
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
    }
    switch (git.name) {
      case 'commit':
        if (commitSkipsHooks(git.args)) findings.push({ reason: 'git commit --no-verify (-n) skips the pre-commit and commit-msg hooks; CI verify would reject the commit anyway' });
        break;
      case 'merge':
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
        const words = git.args.filter((a) => !a.startsWith('-'));
        const key = words[0] ?? '';
        const writes = words.length > 1 || git.args.some((a) => /^--(unset|unset-all|replace-all|add|remove-section|rename-section|edit)$/.test(a));
        if (mentionsHooksPath(key) && writes) findings.push({ reason: 'changing core.hooksPath would switch off the installed hooks' });
        break;
      }
      default:
        break;
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
