import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A recorded reviewer output under test/fixtures/reviewers/. */
export const reviewerFixture = (path: string): string => fileURLToPath(new URL(`../fixtures/reviewers/${path}`, import.meta.url));

/**
 * A stand-in for a real reviewer CLI, under the CLI's own name in a folder
 * beside the repository, not inside it (the launcher only trusts those): it
 * logs its argv and whether the packet reached its stdin, then prints the
 * recorded output.
 */
export function fakeReviewerCli(repoDir: string, name: string, output: string): { bin: string; calls: () => Array<{ argv: string[]; packet: boolean }> } {
  const bin = join(dirname(repoDir), 'bin');
  const log = join(dirname(repoDir), `${name}-calls.jsonl`);
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, name),
    `#!${process.execPath}
const fs = require('node:fs');
const packet = fs.readFileSync(0, 'utf8');
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), packet: packet.includes('VERDICT: NEEDS_REVISION') && packet.includes('Fingerprint:') }) + '\\n');
process.stdout.write(fs.readFileSync(${JSON.stringify(output)}, 'utf8'));
`,
  );
  chmodSync(join(bin, name), 0o755);
  return {
    bin,
    calls: () => readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)),
  };
}
