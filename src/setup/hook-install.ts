import { chmodSync, existsSync, readFileSync, renameSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { gitText, runGit, type Repo } from '../git/index.js';
import { writeFileAtomic } from '../state/index.js';
import { environmentError, usageError } from '../errors/index.js';
import { installedAt, installedBin, packageRoot, wfBinPath } from '../installation/index.js';
import { addToManagerConfig, detectManager, managerConfigured, removeFromManagerConfig, type HookManager } from './hook-managers.js';

/**
 * Installs the git hooks without trampling anyone: the hooks folder comes
 * from `git rev-parse --git-path hooks` (worktrees, core.hooksPath); a hook
 * that was there is kept as `<name>.pre-wf` and still runs first; in a husky
 * repository one marked line goes into `.husky/<name>` and core.hooksPath is
 * left alone; in a lefthook or pre-commit repository wf's commands go into
 * the manager's config (hook-managers.ts) and the hooks folder is the
 * manager's. Uninstall removes only what install added, and what a manager's
 * resync left of it (`.old`, `.legacy`).
 */
export const MANAGED_HOOKS = ['pre-commit', 'commit-msg'] as const;
export type ManagedHook = (typeof MANAGED_HOOKS)[number];
export const HOOK_MARKER = 'wf-gate managed hook';
export const HUSKY_MARKER = '# added by wf-gate (wf hooks uninstall removes it)';
const CHAINED_SUFFIX = '.pre-wf';
/** What lefthook and the pre-commit framework rename a hook they find to. */
const RENAMED_SUFFIXES = ['.old', '.legacy'];

export const WF_BIN = wfBinPath();

/**
 * The hook file. git runs it at the top of the work tree, so it names wf's
 * bin relative to the root: `node_modules/.bin/wf`, or the package wf is
 * installed in (`packages/app/node_modules/.bin/wf`) in a monorepo. In a
 * tracked hooks folder (core.hooksPath inside the work tree) the last resort,
 * this machine's absolute path to wf, is left out: the file is committed and
 * would name a path that exists on no other machine.
 */
export function hookScript(name: ManagedHook, options: { tracked?: boolean; repoRoot: string }): string {
  const text = readFileSync(join(packageRoot(), 'hooks', name), 'utf8');
  const kept = options.tracked ? text.split('\n').filter((l) => !l.includes('@WF_BIN@')).join('\n') : text;
  return kept.replaceAll('@WF_BIN@', WF_BIN).replaceAll('@WF_LOCAL_BIN@', installedBin(options.repoRoot)).replaceAll('@WF_INSTALL@', installCommand(options.repoRoot));
}

/** What installs wf where it belongs, for a hook that cannot find it. */
export function installCommand(repoRoot: string): string {
  const at = installedAt(repoRoot);
  return at ? `(cd ${at} && npm install --save-dev wf-gate)` : 'npm install --save-dev wf-gate';
}

/**
 * husky puts `node_modules/.bin` (of the root, where git runs hooks) on PATH;
 * with wf installed in a package, its line puts that package's bin first.
 */
function huskyLine(hook: ManagedHook, repoRoot: string): string {
  const at = installedAt(repoRoot);
  const wf = at ? `PATH="$PWD/${at}/node_modules/.bin:$PATH" wf` : 'wf';
  return hook === 'pre-commit' ? `${wf} hook pre-commit ${HUSKY_MARKER}` : `${wf} hook commit-msg "$1" ${HUSKY_MARKER}`;
}

export interface HookLayout {
  kind: 'hooks-dir' | 'husky' | 'manager';
  dir: string;
  /** The git hooks folder is inside the work tree, so it is committed with the code. */
  tracked: boolean;
  /** The git hooks folder is outside this repository (a global core.hooksPath shared by every repository). */
  shared: boolean;
  manager?: HookManager;
}

const inside = (child: string, parent: string) => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

export async function hookLayout(repo: Repo): Promise<HookLayout> {
  const opts = { cwd: repo.root, env: repo.env };
  const hooksPath = (await runGit(['config', '--get', 'core.hooksPath'], { ...opts, okExitCodes: [1] })).stdout.toString('utf8').trim();
  // husky in a monorepo package sets core.hooksPath to packages/app/.husky/_ (its docs' `cd ../.. && husky packages/app/.husky`).
  const husky = /^((?:[^/]+\/)*)\.husky(\/_)?\/?$/.exec(hooksPath);
  const huskyDir = husky ? resolve(repo.root, husky[1]!, '.husky') : '';
  if (husky && inside(huskyDir, repo.root) && existsSync(huskyDir)) return { kind: 'husky', dir: huskyDir, tracked: true, shared: false };
  const raw = await gitText(['rev-parse', '--git-path', 'hooks'], opts);
  const dir = isAbsolute(raw) ? raw : resolve(repo.root, raw);
  const common = await gitText(['rev-parse', '--git-common-dir'], opts);
  const gitDir = isAbsolute(common) ? common : resolve(repo.root, common);
  const shared = !inside(dir, repo.root) && !inside(dir, gitDir);
  const tracked = inside(dir, repo.root) && !inside(dir, gitDir);
  const manager = detectManager(repo.root);
  return manager ? { kind: 'manager', dir, tracked, shared, manager } : { kind: 'hooks-dir', dir, tracked, shared };
}

export type HookAction =
  | 'installed'
  | 'already installed'
  | 'chained existing hook'
  | 'removed'
  | 'restored previous hook'
  | 'not installed'
  | 'updated'
  | 'removed leftover'
  | 'added to config'
  | 'already in config';

export interface HookChange {
  hook: ManagedHook;
  path: string;
  action: HookAction;
  /** What the user still has to do, or should know. */
  note?: string;
}

export interface InstallOptions {
  /** Write into a hooks folder outside the repository (a global core.hooksPath), which every repository using it then shares. */
  globalHooksPath?: boolean;
}

const isOurs = (text: string) => text.includes(HOOK_MARKER);

export async function installHooks(repo: Repo, options: InstallOptions = {}): Promise<HookChange[]> {
  const layout = await hookLayout(repo);
  if (layout.kind === 'manager') return installIntoManager(layout, layout.manager!);
  const sharedNote = layout.shared ? `${layout.dir} is outside this repository: every repository that uses it now runs wf's gates, and refuses commits where wf is not set up` : undefined;
  refuseSharedFolder(layout, options);
  mkdirSync(layout.dir, { recursive: true });
  const changes = MANAGED_HOOKS.map((hook) => (layout.kind === 'husky' ? installHuskyLine(layout.dir, hook, repo.root) : installHookFile(layout.dir, hook, layout.tracked, repo.root)));
  return sharedNote ? changes.map((c) => ({ ...c, note: sharedNote })) : changes;
}

/** Before anything is written (wf init calls it first): a shared hooks folder is refused without the flag. */
export async function checkHooksFolder(repo: Repo, options: InstallOptions = {}): Promise<void> {
  refuseSharedFolder(await hookLayout(repo), options);
}

function refuseSharedFolder(layout: HookLayout, options: InstallOptions): void {
  if (layout.kind !== 'manager' && layout.shared && !options.globalHooksPath) {
    throw usageError(`the hooks folder ${layout.dir} (core.hooksPath) is outside this repository, so it is shared: wf's hooks there would refuse commits in every other repository that uses it`, {
      where: layout.dir,
      hint: 'set a hooks folder for this repository only (git config --local core.hooksPath .git/hooks), then run: wf hooks install; or, to write into the shared folder anyway: wf hooks install --global-hooks-path',
    });
  }
}

function installHookFile(dir: string, hook: ManagedHook, tracked: boolean, repoRoot: string): HookChange {
  const path = join(dir, hook);
  const script = hookScript(hook, { tracked, repoRoot });
  // A resync by a hook manager that is gone now (its config removed) left wf's hook renamed: it is ours, so it goes.
  const leftovers = removeRenamedCopies(path);
  const result = ((): HookChange => {
    if (existsSync(path)) {
      const current = readFileSync(path, 'utf8');
      if (current === script) return { hook, path, action: 'already installed' };
      if (isOurs(current)) {
        writeFileAtomic(path, script);
        chmodSync(path, 0o755);
        return { hook, path, action: 'updated' };
      }
      const chained = `${path}${CHAINED_SUFFIX}`;
      if (existsSync(chained)) {
        // The same hook kept twice (wf's hook was replaced by a copy of the one it had kept): nothing would be lost.
        if (readFileSync(chained, 'utf8') !== current) throw environmentError(`${chained} already exists and differs from the current ${hook} hook, so wf cannot keep both`, { where: chained, hint: `compare the two, move one of them away, then run: wf hooks install` });
        // The current one is kept, with its mode: it is the one git was running.
        unlinkSync(chained);
      }
      renameSync(path, chained);
      writeFileAtomic(path, script);
      chmodSync(path, 0o755);
      return { hook, path, action: 'chained existing hook' };
    }
    writeFileAtomic(path, script);
    chmodSync(path, 0o755);
    return { hook, path, action: 'installed' };
  })();
  return leftovers.length > 0 && result.action === 'already installed' ? { ...result, action: 'removed leftover', note: leftovers.join(', ') } : result;
}

/** wf's own hook under the names lefthook and pre-commit rename it to; removes them and says which. */
function removeRenamedCopies(path: string): string[] {
  const removed: string[] = [];
  for (const suffix of RENAMED_SUFFIXES) {
    const copy = `${path}${suffix}`;
    if (existsSync(copy) && isOurs(readFileSync(copy, 'utf8'))) {
      unlinkSync(copy);
      removed.push(copy);
    }
  }
  return removed;
}

/**
 * In a lefthook or pre-commit repository: wf's commands into the manager's
 * config, and wf's hook files out of the manager's hooks folder, where the
 * next resync would only rename them again. A hook wf had kept aside goes back
 * to its name.
 */
function installIntoManager(layout: HookLayout, manager: HookManager): HookChange[] {
  const before = readFileSync(manager.config, 'utf8');
  const after = addToManagerConfig(manager, before);
  if (after !== before) writeFileAtomic(manager.config, after);
  return MANAGED_HOOKS.map((hook) => {
    const path = join(layout.dir, hook);
    const leftovers = removeRenamedCopies(path);
    if (existsSync(path) && isOurs(readFileSync(path, 'utf8'))) {
      const chained = `${path}${CHAINED_SUFFIX}`;
      if (existsSync(chained)) renameSync(chained, path);
      else unlinkSync(path);
      leftovers.push(path);
    }
    const managerHook = existsSync(path) && readFileSync(path, 'utf8').includes(manager.scriptMark);
    const notes = [
      ...(leftovers.length > 0 ? [`removed wf's hook files the manager owns: ${leftovers.join(', ')}`] : []),
      ...(managerHook ? [] : [`${manager.kind} has not written its ${hook} hook yet; run: ${manager.installCommand}`]),
    ];
    return { hook, path: manager.file, action: after !== before ? 'added to config' : 'already in config', ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
  });
}

function installHuskyLine(dir: string, hook: ManagedHook, repoRoot: string): HookChange {
  const path = join(dir, hook);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (current.includes(HUSKY_MARKER)) return { hook, path, action: 'already installed' };
  const next = `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${huskyLine(hook, repoRoot)}\n`;
  writeFileSync(path, next);
  // husky runs its files with sh, so the mode of a user's file is left as it was; only a file wf creates gets one.
  if (current === '') chmodSync(path, 0o755);
  return { hook, path, action: 'installed' };
}

export async function uninstallHooks(repo: Repo): Promise<HookChange[]> {
  const layout = await hookLayout(repo);
  let configChanged = false;
  if (layout.kind === 'manager') {
    const manager = layout.manager!;
    const before = readFileSync(manager.config, 'utf8');
    const after = removeFromManagerConfig(before);
    configChanged = after !== before;
    if (configChanged) writeFileAtomic(manager.config, after);
  }
  return MANAGED_HOOKS.map((hook) => {
    const path = join(layout.dir, hook);
    // Whatever a resync renamed wf's hook to goes in every layout: a manager may have come and gone.
    const leftovers = layout.kind === 'husky' ? [] : removeRenamedCopies(path);
    const change = uninstallOne(layout, hook, path);
    if (configChanged && change.action === 'not installed') return { hook, path: layout.manager!.file, action: 'removed', ...(leftovers.length > 0 ? { note: leftovers.join(', ') } : {}) };
    return leftovers.length > 0 && change.action === 'not installed' ? { ...change, action: 'removed leftover', note: leftovers.join(', ') } : change;
  });
}

function uninstallOne(layout: HookLayout, hook: ManagedHook, path: string): HookChange {
  if (!existsSync(path)) return { hook, path, action: 'not installed' };
  const current = readFileSync(path, 'utf8');
  if (layout.kind === 'husky') {
    if (!current.includes(HUSKY_MARKER)) return { hook, path, action: 'not installed' };
    const rest = current.split('\n').filter((l) => !l.includes(HUSKY_MARKER)).join('\n');
    // A file that held only wf's line was created by wf (husky has no empty hooks), so it goes with the line.
    if (rest.trim() === '') unlinkSync(path);
    else writeFileSync(path, rest);
    return { hook, path, action: 'removed' };
  }
  if (!isOurs(current)) return { hook, path, action: 'not installed' };
  const chained = `${path}${CHAINED_SUFFIX}`;
  if (existsSync(chained)) {
    renameSync(chained, path);
    return { hook, path, action: 'restored previous hook' };
  }
  unlinkSync(path);
  return { hook, path, action: 'removed' };
}

export interface HookHealth {
  hook: ManagedHook;
  path: string;
  ok: boolean;
  problem?: string;
  /** The command that fixes it, when it is not `wf hooks install`. */
  fix?: string;
}

/** Is each hook present, executable and ours? For `wf doctor` and `wf status`. */
export async function checkHooks(repo: Repo): Promise<HookHealth[]> {
  const layout = await hookLayout(repo);
  const { accessSync, constants } = await import('node:fs');
  return MANAGED_HOOKS.map((hook) => {
    const path = join(layout.dir, hook);
    const renamed = RENAMED_SUFFIXES.map((s) => `${path}${s}`).find((p) => existsSync(p) && isOurs(readFileSync(p, 'utf8')));
    if (layout.kind === 'manager') {
      const manager = layout.manager!;
      if (!managerConfigured(manager)) {
        return { hook, path: manager.file, ok: false, problem: `${manager.kind} is configured here but ${manager.file} does not run wf${renamed ? ` (a ${manager.kind} install renamed wf's hook to ${renamed}, which nothing runs)` : ''}` };
      }
      if (!existsSync(path) || !readFileSync(path, 'utf8').includes(manager.scriptMark)) {
        return { hook, path, ok: false, problem: `${manager.file} runs wf but ${manager.kind} has not installed its ${hook} hook`, fix: manager.installCommand };
      }
      if (renamed) return { hook, path: renamed, ok: false, problem: `a leftover copy of wf's hook from a ${manager.kind} install` };
      return { hook, path: `${path} (${manager.kind}, ${manager.file})`, ok: true };
    }
    if (!existsSync(path)) return { hook, path, ok: false, problem: renamed ? `missing: wf's hook was renamed to ${renamed} (a hook manager's install), which nothing runs` : 'missing' };
    const text = readFileSync(path, 'utf8');
    if (layout.kind === 'husky' ? !text.includes(HUSKY_MARKER) : !isOurs(text)) {
      return { hook, path, ok: false, problem: renamed ? `another hook replaced wf's, which was renamed to ${renamed} (a hook manager's install) and no longer runs` : 'present but does not run wf' };
    }
    try {
      accessSync(path, constants.X_OK);
    } catch {
      return { hook, path, ok: false, problem: 'not executable' };
    }
    return { hook, path, ok: true };
  });
}

/**
 * For `wf status`, which scripts and agents run in loops: wf's hooks that are
 * not where git runs them, with the command that fixes it. The usual layouts
 * are read from files alone (the local config's core.hooksPath, the hooks
 * folder, husky's files, a manager's config); git is asked (checkHooks) only
 * when wf's hooks are not found there, which is when status has something to
 * say. Never fails: status reports the task whatever this finds.
 */
export async function missingHooks(repo: Repo): Promise<HookHealth[]> {
  try {
    if (hooksFoundByFiles(repo)) return [];
    return (await checkHooks(repo)).filter((h) => !h.ok);
  } catch {
    return [];
  }
}

function hooksFoundByFiles(repo: Repo): boolean {
  const manager = detectManager(repo.root);
  if (manager) return managerConfigured(manager);
  const common = commonDir(repo.gitDir);
  const hooksPath = localHooksPath(common);
  if (hooksPath === null) return false;
  const husky = /^((?:[^/]+\/)*)\.husky(\/_)?\/?$/.exec(hooksPath);
  if (husky) return MANAGED_HOOKS.every((hook) => fileHas(join(repo.root, husky[1]!, '.husky', hook), HUSKY_MARKER));
  const dir = hooksPath === '' ? join(common, 'hooks') : resolve(repo.root, hooksPath);
  return MANAGED_HOOKS.every((hook) => fileHas(join(dir, hook), HOOK_MARKER));
}

/** A linked worktree's git dir names the repository's own in `commondir`; hooks and config live there. */
function commonDir(gitDir: string): string {
  try {
    return resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
  } catch {
    return gitDir;
  }
}

/** core.hooksPath from the repository's own config: '' when it sets none, null when it is not a plain path this reading can trust (git then answers). */
function localHooksPath(common: string): string | null {
  let text: string;
  try {
    text = readFileSync(join(common, 'config'), 'utf8');
  } catch {
    return null;
  }
  if (/^\s*\[include/im.test(text)) return null;
  let section = '';
  let found = '';
  for (const line of text.split('\n')) {
    const head = /^\s*\[([^\]]+)\]/.exec(line);
    if (head) section = head[1]!.trim().toLowerCase();
    const entry = /^\s*hookspath\s*=\s*(.*?)\s*$/i.exec(line);
    if (entry && section === 'core') found = entry[1]!.replace(/^"(.*)"$/, '$1');
  }
  return found.startsWith('~') || /[\\"]/.test(found) ? null : found;
}

function fileHas(path: string, text: string): boolean {
  try {
    return readFileSync(path, 'utf8').includes(text);
  } catch {
    return false;
  }
}
