// Bundles what runs: `wf hook …` into dist/fast/ and each oclif command into
// dist/bundle/commands/, tree-shaken. The source imports every concern
// through its entry module (src/<concern>/index.ts), which re-exports zod
// schemas, lock code and process spawning that most callers never reach;
// unbundled, node would load all of it on every commit, tool call and command.
// esbuild keeps only what each entry reaches. node_modules stay external, so
// a dependency really reached shows up as a load (the hook tests trace this).
// Commands are one self-contained file each: esbuild assigns shared chunks by
// import edges, and an entry module's re-exports are edges, so shared chunks
// would hand every command the zod schemas any other command uses. The hooks
// share chunks among themselves, since none of them reaches those.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = {
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
};

function commandFiles(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) commandFiles(path, out);
    else if (entry.endsWith('.ts')) out.push(relative(root, path));
  }
  return out;
}

for (const dir of ['dist/fast', 'dist/bundle']) rmSync(join(root, dir), { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: {
      hook: 'src/hooks/index.ts',
      'pre-commit': 'src/hooks/pre-commit.ts',
      'commit-msg': 'src/hooks/commit-msg.ts',
      'agent-guard': 'src/hooks/guard.ts',
    stop: 'src/hooks/stop.ts',
    next: 'src/hooks/next.ts',
    },
    outdir: join(root, 'dist/fast'),
    chunkNames: 'chunk-[hash]',
  }),
  build({
    ...common,
    entryPoints: commandFiles(join(root, 'src/commands')),
    outbase: 'src',
    outdir: join(root, 'dist/bundle'),
    splitting: false,
  }),
]);
