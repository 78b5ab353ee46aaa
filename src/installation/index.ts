import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where this copy of wf is installed. Found by walking up to wf's own
 * package.json rather than by a fixed `../../` from the module, because the
 * same source ends up at different depths: plain tsc output, and the
 * bundles in dist/fast and dist/bundle, whose chunks esbuild places itself.
 */
let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'wf-gate') return (root = dir);
    } catch {
      // No package.json here, or not JSON: keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`wf-gate's package.json was not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The wf entry point the hooks and agent settings run. */
export function wfBinPath(): string {
  return join(packageRoot(), 'bin', 'wf.js');
}
