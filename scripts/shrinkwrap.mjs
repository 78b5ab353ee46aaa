// Pins every dependency of the published package to the exact versions and
// integrity hashes of package-lock.json: npm honours an npm-shrinkwrap.json
// inside a package it installs, so `npm install wf-gate@<version>` in a CI job
// that holds a signing key gets exactly what was tested, not whatever a `^`
// range resolves to that day. Written before packing, removed after.
import { copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.argv.includes('--remove')) rmSync(`${root}npm-shrinkwrap.json`, { force: true });
else copyFileSync(`${root}package-lock.json`, `${root}npm-shrinkwrap.json`);
