import { createHash } from 'node:crypto';
import type { WfConfig } from '../config/index.js';
import { CONFIG_FILE } from '../config/index.js';
import { refused } from '../errors/index.js';
import { globToRegExp } from '../fingerprint/index.js';
import { findSecretLines } from '../redaction/index.js';
import { plural } from '../text/index.js';

/**
 * Secrets in a change under review. A reviewer sees every byte, so a secret
 * is never hidden from it: the review is refused instead, until the secret
 * is gone or the base's config lists it as a known false positive
 * (`secrets.allow`: a path glob, or the `sha256:` digest printed here).
 */
export interface SecretInDiff {
  path: string;
  /** Line in the new file. */
  line: number;
  kinds: string[];
  /** sha256:<hex> of the line's text, for secrets.allow. */
  digest: string;
}

export function secretsInDiff(diff: string, allow: readonly string[]): SecretInDiff[] {
  const globs = allow.filter((a) => !a.startsWith('sha256:')).map(globToRegExp);
  const digests = new Set(allow.filter((a) => a.startsWith('sha256:')));
  const found: SecretInDiff[] = [];
  let path = '';
  let line = 0;
  for (const text of diff.split('\n')) {
    if (text.startsWith('diff --wf ')) {
      const b = text.lastIndexOf(' b/');
      path = b >= 0 ? text.slice(b + 3) : text;
      line = 0;
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      line = Number(hunk[1]) - 1;
      continue;
    }
    if (text.startsWith('+++') || text.startsWith('---')) continue;
    if (text.startsWith(' ')) line++;
    if (!text.startsWith('+')) continue;
    line++;
    const body = text.slice(1);
    const hits = findSecretLines(body);
    if (hits.length === 0) continue;
    const digest = `sha256:${createHash('sha256').update(body.trim()).digest('hex')}`;
    if (digests.has(digest) || globs.some((re) => re.test(path))) continue;
    found.push({ path, line, kinds: hits.flatMap((h) => h.kinds), digest });
  }
  return found;
}

export function describeSecrets(found: readonly SecretInDiff[]): string[] {
  return found.map((s) => `${s.path}:${s.line}: ${s.kinds.join(', ')} (${s.digest})`);
}

/** Refuses (exit 1) to send a change with secrets to a reviewer. */
export function refuseSecrets(diff: string, config: Pick<WfConfig, 'secrets'>, what: string): void {
  const found = secretsInDiff(diff, config.secrets.allow);
  if (found.length === 0) return;
  throw refused(`${what} holds ${plural(found.length, 'secret-shaped line')}, so it is not sent to a reviewer (a reviewer is shown every byte, and a secret in code is a finding of its own):\n${describeSecrets(found).map((l) => `  ${l}`).join('\n')}`, {
    where: found[0]!.path,
    hint: `remove the secret (use an environment variable), or, for a false positive, add its path or its sha256:… digest to secrets.allow in ${CONFIG_FILE} and commit that`,
  });
}
