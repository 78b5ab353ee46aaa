import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parsePublicKey, renderAllowedSignerLine } from '../attestation/index.js';
import { ATTESTORS_FILE } from '../ci/index.js';
import { environmentError, usageError } from '../errors/index.js';
import type { Repo } from '../git/index.js';
import { writeFileAtomic } from '../state/index.js';

export interface GeneratedKey {
  privateKeyPath: string;
  privateKeyDir: string;
  publicLine: string;
  fingerprint: string;
  attestorsFile: string;
}

const HEADER = `# Keys allowed to sign wf review attestations (ssh-keygen's allowed_signers format).
# wf verify reads this file from the base commit only: a key added in a pull request counts once merged.
`;

/**
 * `wf attest keygen`: an Ed25519 key pair made by ssh-keygen (the standard
 * tool, so the key is what any SSH tooling expects), its public line added to
 * the attestors file. The private key stays in a mode-700 folder outside the
 * repository; wf never prints it.
 */
export async function generateAttestationKey(repo: Repo, options: { principal: string; validDays?: number | undefined; outDir?: string | undefined; now?: Date }): Promise<GeneratedKey> {
  if (!/^[A-Za-z0-9._@+-]{1,128}$/.test(options.principal)) throw usageError(`--principal ${JSON.stringify(options.principal)} is not a plain name`, { hint: 'wf attest keygen --principal ci@example.com' });
  // A new folder of its own, outside the repository: a key file in the work tree is one `git add -A` from being published.
  let dir: string;
  if (options.outDir) {
    dir = resolve(options.outDir);
    const rel = relative(repo.root, dir);
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
      throw usageError(`--out ${options.outDir} is inside the repository; the private key must not be written where git can pick it up`, { hint: 'wf attest keygen --out ~/wf-key   (or omit --out: a new temporary folder)' });
    }
    if (existsSync(dir)) throw usageError(`--out ${options.outDir} exists already; wf writes the key into a new folder only`, { hint: 'choose a path that does not exist yet: wf attest keygen --out <new folder>' });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } else dir = mkdtempSync(join(tmpdir(), 'wf-attestation-key-'));
  chmodSync(dir, 0o700);
  const keyPath = join(dir, 'wf-attestation-key');
  if (existsSync(keyPath)) throw usageError(`${keyPath} exists already; wf does not overwrite a key`, { hint: 'choose another folder: wf attest keygen --out <dir>' });
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', options.principal, '-f', keyPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0) {
    throw environmentError(`ssh-keygen could not make the key: ${r.error?.message ?? r.stderr.trim()}`, { hint: 'install OpenSSH (ssh-keygen 8.2 or newer), then: wf attest keygen' });
  }
  const publicKey = parsePublicKey(readFileSync(`${keyPath}.pub`, 'utf8'));
  const now = options.now ?? new Date();
  const validBefore = options.validDays ? new Date(now.getTime() + options.validDays * 86_400_000) : undefined;
  const line = renderAllowedSignerLine({ principal: options.principal, publicKey, namespaces: ['wf-review'], validAfter: now, validBefore, comment: `added ${now.toISOString().slice(0, 10)}` });
  const file = join(repo.root, ATTESTORS_FILE);
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  writeFileAtomic(file, `${existing}${existing.endsWith('\n') || existing === '' ? '' : '\n'}${line}\n`);
  return { privateKeyPath: keyPath, privateKeyDir: dir, publicLine: line, fingerprint: publicKey.fingerprint, attestorsFile: ATTESTORS_FILE };
}
