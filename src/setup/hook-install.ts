import { chmodSync, existsSync, readFileSync, renameSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { gitText, runGit, type Repo } from '../git/index.js';
import { writeFileAtomic } from '../state/index.js';
import { environmentError } from '../errors/index.js';
import { packageRoot, wfBinPath } from '../installation/index.js';

/**
 * Installs the git hooks without trampling anyone: the hooks folder comes
 * from `git rev-parse --git-path hooks` (worktrees, core.hooksPath); a hook
 * that was there is kept as `<name>.pre-wf` and still runs first; in a husky
 * repository one marked line goes into `.husky/<name>` and core.hooksPath is
 * left alone. Uninstall removes only what install added.
 */
export const MANAGED_HOOKS = ['pre-commit', 'commit-msg'] as const;
export type ManagedHook = (typeof MANAGED_HOOKS)[number];
export const HOOK_MARKER = 'wf-gate managed hook';
export const HUSKY_MARKER = '# added by wf-gate (wf hooks uninstall removes it)';
const CHAINED_SUFFIX = '.pre-wf';

export const WF_BIN = wfBinPath();

export function hookScript(name: ManagedHook): string {
  return readFileSync(join(packageRoot(), 'hooks', name), 'utf8').replaceAll('@WF_BIN@', WF_BIN);
}

const HUSKY_LINES: Record<ManagedHook, string> = {
  'pre-commit': `wf hook pre-commit ${HUSKY_MARKER}`,
  'commit-msg': `wf hook commit-msg "$1" ${HUSKY_MARKER}`,
};

export interface HookLayout {
  kind: 'hooks-dir' | 'husky';
  dir: string;
}

export async function hookLayout(repo: Repo): Promise<HookLayout> {
  const opts = { cwd: repo.root, env: repo.env };
  const hooksPath = (await runGit(['config', '--get', 'core.hooksPath'], { ...opts, okExitCodes: [1] })).stdout.toString('utf8').trim();
  const huskyDir = join(repo.root, '.husky');
  if (hooksPath && /^\.husky(\/_)?\/?$/.test(hooksPath) && existsSync(huskyDir)) return { kind: 'husky', dir: huskyDir };
  const dir = await gitText(['rev-parse', '--git-path', 'hooks'], opts);
  return { kind: 'hooks-dir', dir: isAbsolute(dir) ? dir : resolve(repo.root, dir) };
}

export type HookAction = 'installed' | 'already installed' | 'chained existing hook' | 'removed' | 'restored previous hook' | 'not installed' | 'updated';

export interface HookChange {
  hook: ManagedHook;
  path: string;
  action: HookAction;
}

const isOurs = (text: string) => text.includes(HOOK_MARKER);

export async function installHooks(repo: Repo): Promise<HookChange[]> {
  const layout = await hookLayout(repo);
  mkdirSync(layout.dir, { recursive: true });
  return MANAGED_HOOKS.map((hook) => (layout.kind === 'husky' ? installHuskyLine(layout.dir, hook) : installHookFile(layout.dir, hook)));
}

function installHookFile(dir: string, hook: ManagedHook): HookChange {
  const path = join(dir, hook);
  const script = hookScript(hook);
  if (existsSync(path)) {
    const current = readFileSync(path, 'utf8');
    if (current === script) return { hook, path, action: 'already installed' };
    if (isOurs(current)) {
      writeFileAtomic(path, script);
      chmodSync(path, 0o755);
      return { hook, path, action: 'updated' };
    }
    const chained = `${path}${CHAINED_SUFFIX}`;
    if (existsSync(chained)) throw environmentError(`${chained} already exists, so wf cannot keep the current ${hook} hook beside it`, { where: chained, hint: 'move one of the two away, then run: wf hooks install' });
    renameSync(path, chained);
    writeFileAtomic(path, script);
    chmodSync(path, 0o755);
    return { hook, path, action: 'chained existing hook' };
  }
  writeFileAtomic(path, script);
  chmodSync(path, 0o755);
  return { hook, path, action: 'installed' };
}

function installHuskyLine(dir: string, hook: ManagedHook): HookChange {
  const path = join(dir, hook);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (current.includes(HUSKY_MARKER)) return { hook, path, action: 'already installed' };
  const next = `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${HUSKY_LINES[hook]}\n`;
  writeFileSync(path, next);
  chmodSync(path, 0o755);
  return { hook, path, action: 'installed' };
}

export async function uninstallHooks(repo: Repo): Promise<HookChange[]> {
  const layout = await hookLayout(repo);
  return MANAGED_HOOKS.map((hook) => {
    const path = join(layout.dir, hook);
    if (!existsSync(path)) return { hook, path, action: 'not installed' };
    const current = readFileSync(path, 'utf8');
    if (layout.kind === 'husky') {
      if (!current.includes(HUSKY_MARKER)) return { hook, path, action: 'not installed' };
      writeFileSync(path, current.split('\n').filter((l) => !l.includes(HUSKY_MARKER)).join('\n'));
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
  });
}

export interface HookHealth {
  hook: ManagedHook;
  path: string;
  ok: boolean;
  problem?: string;
}

/** Is each hook present, executable and ours? For `wf doctor` and `wf status`. */
export async function checkHooks(repo: Repo): Promise<HookHealth[]> {
  const layout = await hookLayout(repo);
  const { accessSync, constants } = await import('node:fs');
  return MANAGED_HOOKS.map((hook) => {
    const path = join(layout.dir, hook);
    if (!existsSync(path)) return { hook, path, ok: false, problem: 'missing' };
    const text = readFileSync(path, 'utf8');
    if (layout.kind === 'husky' ? !text.includes(HUSKY_MARKER) : !isOurs(text)) return { hook, path, ok: false, problem: 'present but does not run wf' };
    try {
      accessSync(path, constants.X_OK);
    } catch {
      return { hook, path, ok: false, problem: 'not executable' };
    }
    return { hook, path, ok: true };
  });
}
