// vitest globalSetup: packs wf once per run, exactly as `npm publish` would
// (the shrinkwrap written, `files` applied), so consumer tests install the
// real tarball rather than a link to the working tree. The build is not
// repeated here: `npm test` has just built dist/, and prepack would rebuild
// it while other workers read it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default function setup({ provide }) {
  const dir = mkdtempSync(join(tmpdir(), 'wf-tarball-'));
  const step = (cmd, args) => {
    const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  };
  step(process.execPath, ['scripts/shrinkwrap.mjs']);
  try {
    step('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir]);
  } finally {
    step(process.execPath, ['scripts/shrinkwrap.mjs', '--remove']);
  }
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
  provide('wfTarball', join(dir, tarball));
  return () => rmSync(dir, { recursive: true, force: true });
}
