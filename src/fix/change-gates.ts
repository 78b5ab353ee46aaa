import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE, type WfConfig } from '../config/index.js';
import { globToRegExp } from '../fingerprint/index.js';
import { runGit, type Repo } from '../git/index.js';
import { secretsInDiff, type SecretInDiff } from '../review/index.js';
import { AUDIT_FILE } from '../audit/index.js';
import { STATE_FILE } from '../state/index.js';

/**
 * The gates a fixer's change meets before wf spends a test run or a review on it: its size, the
 * files no fix may touch (what sets the gates, runs CI or runs on commit), the `scripts` of any
 * package.json (where `npm test` is defined), a secret in it, and git's own folder. They read
 * what git has staged, so they judge exactly the bytes that would be committed.
 */

/** What sets wf's gates, defines CI, or runs as a hook. A fix that edits one is refused, however small. */
export const PROTECTED_PATHS: readonly string[] = [
  CONFIG_FILE,
  STATE_FILE,
  AUDIT_FILE,
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.claude/hooks/**',
  '.github/**',
  '.gitlab-ci.yml',
  '.gitlab/**',
  '.husky/**',
  'lefthook.yml',
  'lefthook.yaml',
  '.lefthook.yml',
  '.lefthook.yaml',
  'lefthook-local.yml',
  '.lefthook-local.yml',
  '.pre-commit-config.yaml',
  '.claude/wf-attestors',
  '.githooks/**',
  '.gitattributes',
  '.gitmodules',
];

const protectedMatchers = PROTECTED_PATHS.map((p) => ({ pattern: p, re: globToRegExp(p) }));

export function protectedPathsTouched(paths: readonly string[]): string[] {
  return paths.filter((p) => protectedMatchers.some((m) => m.re.test(p)));
}

/** Files git does not track and does not ignore, relative to the root: what was there before the fixer is not its work. */
export async function untrackedFiles(repo: Repo): Promise<string[]> {
  const out = (await runGit(['ls-files', '-z', '--others', '--exclude-standard'], { cwd: repo.root, env: repo.env })).stdout.toString('utf8');
  return out.split('\0').filter(Boolean);
}

/**
 * Stages everything the fixer left (new files too, .gitignore respected), except `keep` (the
 * task's plan folder, wf's state) and what was untracked before it ran. Add, then unstage: an
 * exclude pathspec naming an ignored file (the state and the audit log are) makes `git add` fail.
 */
export async function stageWorkTree(repo: Repo, keep: readonly string[]): Promise<void> {
  await runGit(['add', '-A', '--', '.'], { cwd: repo.root, env: repo.env });
  if (keep.length === 0) return;
  // From stdin, NUL-separated and literal: the list may be long, and a name may hold pathspec magic.
  await runGit(['reset', '-q', '--pathspec-from-file=-', '--pathspec-file-nul'], { cwd: repo.root, env: { ...repo.env, GIT_LITERAL_PATHSPECS: '1' }, input: keep.map((p) => `${p}\0`).join('') });
}

/** Throws the fixer's work away: tracked files back to HEAD, and the untracked files it made removed (ignored ones, and `keep`, stay). */
export async function resetWorkTree(repo: Repo, keep: readonly string[]): Promise<void> {
  await runGit(['reset', '--hard', '--quiet', 'HEAD'], { cwd: repo.root, env: repo.env });
  const kept = new Set(keep);
  const under = keep.map((k) => `${k.replace(/\/+$/, '')}/`);
  for (const file of await untrackedFiles(repo)) {
    if (kept.has(file) || under.some((u) => file.startsWith(u))) continue;
    rmSync(join(repo.root, file), { force: true });
  }
}

export interface StagedStats {
  files: string[];
  /** Added plus deleted lines; a binary file counts as one line per KiB, at least one. */
  lines: number;
}

export async function stagedStats(repo: Repo): Promise<StagedStats> {
  const out = (await runGit(['diff', '--cached', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', 'HEAD', '--'], { cwd: repo.root, env: repo.env })).stdout.toString('utf8');
  const files: string[] = [];
  let lines = 0;
  for (const record of out.split('\0')) {
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(record);
    if (!m) continue;
    files.push(m[3]!);
    if (m[1] === '-') {
      const size = (await runGit(['cat-file', '-s', `:${m[3]!}`], { cwd: repo.root, env: repo.env, okExitCodes: [128] })).stdout.toString('utf8').trim();
      lines += Math.max(1, Math.ceil((Number(size) || 0) / 1024));
    } else lines += Number(m[1]) + Number(m[2]);
  }
  return { files, lines };
}

/** The staged diff as text whatever the attributes say (`-diff` or a textconv must not hide a secret from the scan). */
export async function stagedPatch(repo: Repo, context = 3): Promise<string> {
  const out = await runGit(['diff', '--cached', '--text', '--no-ext-diff', '--no-textconv', '--no-color', '--no-renames', `-U${context}`, 'HEAD', '--'], {
    cwd: repo.root,
    env: { ...repo.env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.quotePath', GIT_CONFIG_VALUE_0: 'false' },
  });
  return out.stdout.toString('utf8');
}

export function secretsInPatch(patch: string, config: Pick<WfConfig, 'secrets'>): SecretInDiff[] {
  // secretsInDiff reads wf's own diff headers; git's name the file the same way after " b/".
  return secretsInDiff(patch.replace(/^diff --git /gm, 'diff --wf '), config.secrets.allow);
}

async function blobText(repo: Repo, spec: string): Promise<string | null> {
  const r = await runGit(['cat-file', 'blob', spec], { cwd: repo.root, env: repo.env, okExitCodes: [128] });
  return r.exitCode === 0 ? r.stdout.toString('utf8') : null;
}

function scriptsOf(text: string | null): string {
  if (text === null) return 'null';
  try {
    const doc = JSON.parse(text) as { scripts?: unknown };
    return JSON.stringify(doc?.scripts ?? null);
  } catch {
    return `unparsable:${createHash('sha256').update(text).digest('hex')}`;
  }
}

/** package.json files whose `scripts` the staged change alters: `npm test` is defined there. */
export async function scriptChanges(repo: Repo, files: readonly string[]): Promise<string[]> {
  const changed: string[] = [];
  for (const file of files.filter((f) => f === 'package.json' || f.endsWith('/package.json'))) {
    if (scriptsOf(await blobText(repo, `HEAD:${file}`)) !== scriptsOf(await blobText(repo, `:${file}`))) changed.push(file);
  }
  return changed;
}

/** A digest of what in .git runs code or changes what git does: config, hooks, info/. A fixer may not touch it. */
export function gitDirDigest(gitDir: string): string {
  const hash = createHash('sha256');
  const add = (path: string, rel: string) => {
    if (!existsSync(path)) return;
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name), `${rel}/${name}`);
      return;
    }
    hash.update(`${rel}\0${st.mode}\0`);
    hash.update(readFileSync(path));
    hash.update('\0');
  };
  // objects/info/alternates lends the repository another's objects; wf's own commits never write it.
  for (const name of ['config', 'hooks', 'info', 'commondir', 'config.worktree', 'objects/info/alternates']) add(join(gitDir, name), name);
  return hash.digest('hex');
}

/** A digest of wf's state and audit log: the evidence a fixer could forge while it runs (both are plain files). */
export function evidenceDigest(root: string): string {
  const hash = createHash('sha256');
  for (const name of [STATE_FILE, AUDIT_FILE]) {
    const path = join(root, name);
    hash.update(`${name}\0`);
    if (existsSync(path)) hash.update(readFileSync(path));
    else hash.update('(none)');
    hash.update('\0');
  }
  return hash.digest('hex');
}
