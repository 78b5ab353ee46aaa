import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hookInvocationFor } from './invocation.js';

export { inInvocationForm, invocationPrefix, WF_COMMANDS } from './invocation.js';

/**
 * Where this copy of wf is installed. Found by walking up to wf's own
 * package.json rather than by a fixed `../../` from the module, because the
 * same source ends up at different depths: plain tsc output, and the
 * bundles in dist/fast and dist/bundle, whose chunks esbuild places itself.
 */
let root: string | undefined;
let version = '';

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'wf-gate') {
        version = typeof manifest.version === 'string' ? manifest.version : '';
        return (root = dir);
      }
    } catch {
      // No package.json here, or not JSON: keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`wf-gate's package.json was not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** This copy of wf's version, from its package.json. */
export function packageVersion(): string {
  packageRoot();
  return version;
}

/** The wf entry point the hooks and agent settings run. */
export function wfBinPath(): string {
  return join(packageRoot(), 'bin', 'wf.js');
}

/**
 * The project that installed this wf: the folder whose `node_modules` holds
 * it (`packages/app` in a monorepo), or undefined when wf is not running from
 * a `node_modules` (a global install, a checkout of wf itself).
 */
export function installingProject(): string | undefined {
  return projectHolding(packageRoot(), process.cwd());
}

/**
 * The project whose node_modules holds the wf package at `packageDir` (its real path, as node loads it).
 * pnpm keeps packages in a store, `<root>/node_modules/.pnpm/wf-gate@1.0.0/node_modules/wf-gate`, and links
 * them into each project's node_modules: the project is then the nearest folder from `cwd` up to the store's
 * root that links wf-gate, or that root.
 */
export function projectHolding(packageDir: string, cwd: string): string | undefined {
  const store = packageDir.lastIndexOf(`${sep}node_modules${sep}.pnpm${sep}`);
  if (store >= 0) {
    const storeRoot = packageDir.slice(0, store);
    for (let dir = realOrSame(cwd); dir === storeRoot || dir.startsWith(`${storeRoot}${sep}`); dir = dirname(dir)) {
      if (lstatSync(join(dir, 'node_modules', 'wf-gate'), { throwIfNoEntry: false })) return dir;
      if (dir === storeRoot) break;
    }
    return storeRoot;
  }
  const holder = dirname(packageDir);
  // wf-gate is not a scoped package, so it sits right under node_modules.
  return basename(holder) === 'node_modules' ? dirname(holder) : undefined;
}

/**
 * The installing project's folder relative to the repository root, in `/`
 * form: '' when it is the root, undefined when wf is installed outside the
 * repository (the root is all there is to go by then).
 */
export function installedAt(repoRoot: string): string | undefined {
  const project = installingProject();
  if (project === undefined) return undefined;
  const rel = relative(realOrSame(repoRoot), realOrSame(project));
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

function realOrSame(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * In an npm or yarn workspace wf is hoisted to the root's node_modules wherever it is declared: the one
 * workspace (in `/` form, relative to the root) that declares wf-gate, when the root itself does not. Only
 * plain `dir/*` and literal workspace patterns are read; anything else gives undefined.
 */
export function declaringWorkspace(repoRoot: string): string | undefined {
  const manifest = readManifest(join(repoRoot, 'package.json'));
  if (!manifest || declares(manifest)) return undefined;
  const field = manifest.workspaces;
  const patterns = Array.isArray(field) ? field : field && typeof field === 'object' && Array.isArray((field as { packages?: unknown }).packages) ? (field as { packages: unknown[] }).packages : [];
  const found = new Set<string>();
  for (const pattern of patterns) {
    if (typeof pattern !== 'string') return undefined;
    const clean = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
    if (/[*?[{]/.test(clean.replace(/\/\*$/, '')) || clean.startsWith('..') || isAbsolute(clean)) return undefined;
    const folders = clean.endsWith('/*') ? listFolders(join(repoRoot, clean.slice(0, -2))).map((f) => `${clean.slice(0, -2)}/${f}`) : [clean];
    for (const folder of folders) {
      const m = readManifest(join(repoRoot, folder, 'package.json'));
      if (m && declares(m)) found.add(folder);
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

function readManifest(file: string): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const declares = (manifest: Record<string, unknown>) =>
  ['dependencies', 'devDependencies', 'optionalDependencies'].some((k) => {
    const deps = manifest[k];
    return typeof deps === 'object' && deps !== null && Object.hasOwn(deps, 'wf-gate');
  });

function listFolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'node_modules').map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/**
 * wf's bin in the installing project, relative to the repository root in `/`
 * form (`packages/app/node_modules/.bin/wf`). Committed files (hook scripts,
 * hook managers' configs, agent settings) name this, never an absolute path,
 * which exists on no other machine. Outside a `node_modules`, or outside the
 * repository, the root's `node_modules/.bin/wf` is all there is to go by.
 */
export function installedBin(repoRoot: string): string {
  const at = installedAt(repoRoot);
  return `${at ? `${at}/` : ''}node_modules/.bin/wf`;
}

/** The form of wf a hook's message names, for a hook run at the repository root `root` (invocation.ts). */
export function hookInvocation(env: NodeJS.ProcessEnv, root: string): string {
  return hookInvocationFor(env, installedAt(root));
}
