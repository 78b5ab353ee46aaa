// Bundles `wf hook …` into dist/fast/: one module graph per hook, tree-shaken.
// The source imports each concern through its entry module (src/<concern>/index.ts),
// which re-exports zod schemas and lock code the hooks never call; unbundled,
// node would load all of it on every commit and tool call. esbuild drops what
// the hooks do not reach, and node_modules stay external, so a dependency the
// fast path really reached would show up as a load (a test traces this).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/fast`;
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    // Every chunk sits two folders below the package root, like the tsc output,
    // so `new URL('../../templates/…', import.meta.url)` finds the same files.
    hook: 'src/hooks/index.ts',
    'pre-commit': 'src/hooks/pre-commit.ts',
    'commit-msg': 'src/hooks/commit-msg.ts',
    'agent-guard': 'src/guard/index.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
});
