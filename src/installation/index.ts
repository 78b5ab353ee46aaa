import { readFileSync, realpathSync } from 'node:fs';
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
  const holder = dirname(packageRoot());
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
