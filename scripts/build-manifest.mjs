// Writes oclif.manifest.json so `wf --help` and command lookup never import
// every command module. Equivalent to `oclif manifest`, without pulling the
// whole oclif release toolchain into devDependencies.
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Config } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
// A stale manifest would be read back instead of the commands on disk.
rmSync(new URL('../oclif.manifest.json', import.meta.url), { force: true });
const config = await Config.load({ root, ignoreManifest: true });
const plugin = config.plugins.get(config.pjson.name);
const manifest = plugin.manifest;
if (!manifest || Object.keys(manifest.commands).length === 0) {
  console.error('build-manifest: no commands found under dist/bundle/commands');
  process.exit(1);
}
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`oclif.manifest.json: ${Object.keys(manifest.commands).length} commands`);
