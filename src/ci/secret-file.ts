import { readFileSync, unlinkSync } from 'node:fs';
import { environmentError } from '../errors/index.js';

/** Where the templates hand over the key and the token: files wf reads once and deletes before any reviewer or fixer starts. */
export const KEY_FILE_ENV = 'WF_ATTESTATION_KEY_FILE';
export const TOKEN_FILE_ENV = 'WF_GITHUB_TOKEN_FILE';

/**
 * Reads a secret from a file named in the environment and deletes the file.
 * A reviewer or a fixer runs as the same user as wf: whatever sits in wf's
 * environment it can read from /proc/<wf>/environ (deleting a variable in
 * node does not change that block), and a file it can read too. Memory it
 * cannot, on systems that restrict ptrace to ancestors (Yama, as on GitHub's
 * Ubuntu runners). So the templates pass paths, and wf holds the secrets in
 * memory only.
 */
export function takeSecretFile(env: NodeJS.ProcessEnv, name: string): string | null {
  const path = env[name];
  if (!path) return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw environmentError(`the file named by ${name} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { where: name, hint: `write the secret to that file in a step before this one, or unset ${name}` });
  }
  try {
    unlinkSync(path);
  } catch (err) {
    throw environmentError(`the file named by ${name} cannot be deleted after reading (${(err as NodeJS.ErrnoException).code ?? 'error'}), so a child process could read it`, { where: name, hint: 'write it to a folder the job may delete from, such as $RUNNER_TEMP' });
  }
  return text;
}
