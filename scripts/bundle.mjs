// Bundles what runs: `wf hook …` into dist/fast/ and each oclif command into
// dist/bundle/commands/, tree-shaken. The source imports every concern
// through its entry module (src/<concern>/index.ts), which re-exports zod
// schemas, lock code and process spawning that most callers never reach;
// unbundled, node would load all of it on every commit, tool call and command.
// esbuild keeps only what each entry reaches. node_modules stay external, so
// a dependency really reached shows up as a load (the hook tests trace this).
// Commands are one self-contained file each: esbuild assigns shared chunks by
// import edges, and an entry module's re-exports are edges, so shared chunks
// would hand every command the zod schemas any other command uses.
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

// chalk is ES-module only, which CommonJS cannot require on Node 20, and it is
// small and dependency-free: the fast path carries its own copy.
const bundleChalk = {
  name: 'bundle-chalk',
  setup(b) {
    b.onResolve({ filter: /^chalk$/ }, () => ({ path: join(root, 'node_modules/chalk/source/index.js') }));
  },
};

for (const dir of ['dist/fast', 'dist/bundle']) rmSync(join(root, dir), { recursive: true, force: true });
await Promise.all([
  // The fast path is CommonJS, one self-contained file per hook: on Node 20
  // the ES module loader alone costs more start-up than a whole hook may
  // (an empty .mjs starts ~30% slower than an empty .cjs), and one file per
  // hook means a commit compiles only the code it runs. import.meta.url does
  // not exist in CommonJS; installation/ reads it to find wf's package.json.
  build({
    ...common,
    format: 'cjs',
    plugins: [bundleChalk],
    splitting: false,
    entryPoints: {
      hook: 'src/hooks/index.ts',
      'pre-commit': 'src/hooks/main-pre-commit.ts',
      'commit-msg': 'src/hooks/main-commit-msg.ts',
      'agent-guard': 'src/hooks/main-guard.ts',
      stop: 'src/hooks/main-stop.ts',
      next: 'src/hooks/next.ts',
      'read-commands': 'src/cli/fast-read.ts',
      rollup: 'src/cli/fast-rollup.ts',
    },
    outdir: join(root, 'dist/fast'),
    outExtension: { '.js': '.cjs' },
    define: { 'import.meta.url': '__wfModuleUrl' },
    banner: { js: 'const __wfModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
  build({
    ...common,
    entryPoints: commandFiles(join(root, 'src/commands')),
    outbase: 'src',
    outdir: join(root, 'dist/bundle'),
    splitting: false,
  }),
]);
