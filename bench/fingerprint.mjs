// Speed budget of the fingerprint: `wf hash` on a large staged change is
// within 1.5× of a plain-git pipeline that reads the same blobs and runs
// SHA-256 over them, measured as medians of interleaved runs:
//   pipeline   git diff-index --cached … | (the blob ids) | git cat-file --batch | sha256sum
//              (one SHA-256 pass over every byte git hands out: the floor of the work)
//   node-min   the same listing and cat-file stream, hashed per blob in a minimal node
//              script that computes the real fingerprint (for information: wf's overhead)
//   node -e 0  start-up baseline
// Usage: node bench/fingerprint.mjs [files] [total-MB] [rounds]
//   or FP_BENCH_FILES, FP_BENCH_MB, FP_BENCH_ROUNDS (defaults 5000, 100, 7).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, interleave, makeBenchRepo, median, result, timeRun, WF } from './lib.mjs';

const arg = (i, env, fallback) => Number(process.argv[2 + i] ?? process.env[env] ?? fallback);
const files = arg(0, 'FP_BENCH_FILES', 5000);
const totalBytes = Math.round(arg(1, 'FP_BENCH_MB', 100) * 1024 * 1024);
const rounds = arg(2, 'FP_BENCH_ROUNDS', 7);
const GOAL = 1.5;
if (!(files >= 1 && totalBytes >= files && rounds >= 1)) {
  console.error('usage: node bench/fingerprint.mjs [files ≥ 1] [total-MB] [rounds ≥ 1]');
  process.exit(2);
}

/** mulberry32: the same file sizes every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A mix of sizes: log-uniform between 64 B and 4 MB (many small files, a few
 * big ones), scaled so the total is what was asked for.
 */
function plannedSizes(rnd) {
  const raw = Array.from({ length: files }, () => Math.exp(Math.log(64) + rnd() * (Math.log(4 * 1024 * 1024) - Math.log(64))));
  const scale = totalBytes / raw.reduce((a, b) => a + b, 0);
  return raw.map((s) => Math.max(1, Math.round(s * scale)));
}

/** Two thirds source-like text, one third incompressible bytes; every file distinct. */
function content(i, size) {
  if (i % 3 === 2) return randomBytes(size);
  const line = `export const value${i} = ${JSON.stringify(`file ${i}: the quick brown fox jumps over the lazy dog`)};\n`;
  return Buffer.from(line.repeat(Math.ceil(size / line.length)).slice(0, size));
}

// The plain-git pipeline. The blob ids are the 4th field of each raw header
// (paths here contain no newline, so tr/awk can split the -z output).
const PIPELINE = `set -euo pipefail
git diff-index --cached -r --no-renames --no-abbrev -z --raw "$1" -- |
  tr '\\0' '\\n' | awk 'NR % 2 == 1 { print $4 }' | git cat-file --batch | sha256sum`;

// The same work as wf, minimally: list, stream every blob through one cat-file, hash per blob, records, final hash.
const NODE_MIN = String.raw`
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
const out = execFileSync('git', ['diff-index', '--cached', '-r', '--no-renames', '--no-abbrev', '-z', '--raw', process.argv[2], '--'], { maxBuffer: 1 << 30 });
const changes = [];
for (let pos = 0; pos < out.length; ) {
  const h = out.indexOf(0, pos);
  const p = out.indexOf(0, h + 1);
  const [om, nm, oo, no] = out.toString('latin1', pos + 1, h).split(' ');
  changes.push({ om, nm, oo, no, path: out.subarray(h + 1, p) });
  pos = p + 1;
}
const oids = [...new Set(changes.flatMap((c) => [[c.om, c.oo], [c.nm, c.no]]).filter(([m]) => m !== '000000' && m !== '160000').map(([, o]) => o))];
const digests = new Map();
const cat = spawn('git', ['cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
let buf = Buffer.alloc(0), i = 0, left = -1, hash = null;
cat.stdout.on('data', (chunk) => {
  buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
  for (;;) {
    if (left < 0) {
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      left = Number(buf.toString('latin1', 0, nl).split(' ')[2]);
      buf = buf.subarray(nl + 1);
      hash = createHash('sha256');
    }
    const take = Math.min(left, buf.length);
    hash.update(buf.subarray(0, take));
    buf = buf.subarray(take);
    left -= take;
    if (left > 0 || buf.length === 0) return;
    buf = buf.subarray(1);
    digests.set(oids[i++], hash.digest('hex'));
    left = -1;
  }
});
cat.stdin.end(oids.map((o) => o + '\n').join(''));
cat.on('close', () => {
  const d = (m, o) => (m === '000000' ? '0'.repeat(64) : m === '160000' ? createHash('sha256').update(o).digest('hex') : digests.get(o));
  const h = createHash('sha256');
  for (const c of changes.sort((a, b) => Buffer.compare(a.path, b.path))) {
    h.update(c.om + ' ' + c.nm + ' ' + d(c.om, c.oo) + ' ' + d(c.nm, c.no) + ' ');
    h.update(c.path);
    h.update(Buffer.from([0]));
  }
  console.log(h.digest('hex'));
});
`;

const repo = makeBenchRepo();
try {
  const rnd = prng(42);
  const sizes = plannedSizes(rnd);
  let written = 0;
  const started = Date.now();
  sizes.forEach((size, i) => {
    const data = content(i, size);
    written += data.length;
    repo.write(`src/dir${String(i % 64).padStart(2, '0')}/sub${i % 7}/file${String(i).padStart(5, '0')}.${i % 3 === 2 ? 'bin' : 'ts'}`, data);
  });
  repo.run('git', ['add', '-A']);
  const emptyTree = repo.run('git', ['hash-object', '-t', 'tree', '/dev/null']).trim();
  const sorted = [...sizes].sort((a, b) => a - b);
  console.log(
    `staged ${files} files, ${(written / 1024 / 1024).toFixed(1)} MB (sizes: min ${sorted[0]} B, median ${median(sorted)} B, max ${(sorted.at(-1) / 1024).toFixed(0)} KB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const nodeMin = join(repo.base, 'node-min.mjs');
  writeFileSync(nodeMin, NODE_MIN);
  const opts = { cwd: repo.dir, env: repo.env, maxBuffer: 1 << 26 };

  // Sanity: every variant runs, and wf and the minimal script agree on the fingerprint.
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const wfOut = JSON.parse(run(process.execPath, [WF, 'hash', '--json']));
  const minOut = run(process.execPath, [nodeMin, emptyTree]);
  const pipeOut = run('bash', ['-c', PIPELINE, 'pipeline', emptyTree]);
  if (wfOut.records.length !== files) throw new Error(`wf listed ${wfOut.records.length} records, expected ${files}`);
  if (wfOut.fingerprint !== minOut) throw new Error(`wf hash ${wfOut.fingerprint} ≠ minimal pipeline ${minOut}`);
  if (!/^[0-9a-f]{64} {2}-$/.test(pipeOut)) throw new Error(`unexpected pipeline output: ${pipeOut}`);

  const times = interleave(rounds, {
    'node -e 0': () => timeRun(process.execPath, ['-e', '0'], opts),
    pipeline: () => timeRun('bash', ['-c', PIPELINE, 'pipeline', emptyTree], opts),
    'node-min': () => timeRun(process.execPath, [nodeMin, emptyTree], opts),
    'wf hash': () => timeRun(process.execPath, [WF, 'hash'], opts),
  });
  const ratio = times['wf hash'] / times.pipeline;
  console.log(`fingerprint of the staged change, median of ${rounds} interleaved runs (fingerprint ${wfOut.fingerprint.slice(0, 12)}…):`);
  console.log(`  node -e 0                                     ${fmt(times['node -e 0'])}`);
  console.log(`  plain git: diff-index | cat-file | sha256sum  ${fmt(times.pipeline)}`);
  console.log(`  minimal node fingerprint (same git calls)     ${fmt(times['node-min'])}`);
  console.log(`  wf hash                                       ${fmt(times['wf hash'])}`);
  console.log(`  wf hash − node -e 0                           ${fmt(times['wf hash'] - times['node -e 0'])}`);
  console.log(`  wf / minimal node                             ${(times['wf hash'] / times['node-min']).toFixed(2)}×`);
  result({ bench: 'fingerprint.mjs', what: `\`wf hash\`, ${files.toLocaleString('en')} files / ${Math.round(totalBytes / 1048576)} MB staged`, measured: `${ratio.toFixed(2)}× \`git diff-index | git cat-file | sha256sum\``, goal: `≤ ${GOAL.toFixed(1)}× a plain-git pipeline`, ok: ratio <= GOAL });
} finally {
  rmSync(repo.base, { recursive: true, force: true });
}
