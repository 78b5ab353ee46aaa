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
 * them into each project's node_modules. The project is then the store's root when it links wf-gate itself,
 * else the one workspace folder that does (the same answer from wherever wf runs: hooks run at the top,
 * `wf test` perhaps in the package), else the nearest folder from `cwd` that does, else the root.
 */
export function projectHolding(packageDir: string, cwd: string): string | undefined {
  const store = packageDir.lastIndexOf(`${sep}node_modules${sep}.pnpm${sep}`);
  if (store >= 0) {
    const storeRoot = packageDir.slice(0, store);
    const links = (dir: string) => lstatSync(join(dir, 'node_modules', 'wf-gate'), { throwIfNoEntry: false }) !== undefined;
    if (links(storeRoot)) return storeRoot;
    const linking = foldersBelow(storeRoot, 3).filter(links);
    if (linking.length === 1) return linking[0];
    for (let dir = realOrSame(cwd); dir.startsWith(`${storeRoot}${sep}`); dir = dirname(dir)) if (links(dir)) return dir;
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
  const excluded = new Set<string>();
  for (const pattern of patterns) {
    if (typeof pattern !== 'string') return undefined;
    // `!packages/legacy` takes a folder out of the workspaces.
    const negated = pattern.startsWith('!');
    const clean = pattern.replace(/^!/, '').replace(/^\.\//, '').replace(/\/+$/, '');
    if (negated) {
      if (/[*?[{]/.test(clean)) return undefined;
      excluded.add(clean);
      continue;
    }
    if (/[*?[{]/.test(clean.replace(/\/\*$/, '')) || clean.startsWith('..') || isAbsolute(clean)) return undefined;
    const folders = clean.endsWith('/*') ? listFolders(join(repoRoot, clean.slice(0, -2))).map((f) => `${clean.slice(0, -2)}/${f}`) : [clean];
    for (const folder of folders) {
      const m = readManifest(join(repoRoot, folder, 'package.json'));
      if (m && declares(m)) found.add(folder);
    }
  }
  const left = [...found].filter((f) => !excluded.has(f));
  return left.length === 1 ? left[0] : undefined;
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

/** Folders under `dir` down to `depth` levels, past node_modules and dot folders (a workspace's packages). */
function foldersBelow(dir: string, depth: number): string[] {
  if (depth === 0) return [];
  return listFolders(dir)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => [join(dir, name), ...foldersBelow(join(dir, name), depth - 1)]);
}

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
