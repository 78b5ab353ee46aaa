// Runs every bench script in turn (each prints its own medians and ratios).
// With --readme, regenerates the README's speed table from the figures the
// scripts report (bench/lib.mjs result): the table is never typed in.
// Usage: node bench/run-all.mjs [--readme]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
// A pipe inside a cell (`git diff-index | git cat-file`) would end the cell: GitHub's tables take it escaped, code spans too.
const cell = (text) => String(text).replace(/\|/g, '\\|');
const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const ORDER = ['hooks.mjs', 'commands.mjs', 'loop.mjs', 'tasks.mjs', 'fingerprint.mjs', 'verify.mjs', 'attest.mjs'];
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !['lib.mjs', 'run-all.mjs'].includes(f))
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
const work = mkdtempSync(join(tmpdir(), 'wf-bench-results-'));
const results = join(work, 'results.jsonl');
let failed = 0;
try {
  for (const script of scripts) {
    console.log(`\n== ${script}`);
    const r = spawnSync(process.execPath, [`${dir}${script}`], { stdio: 'inherit', env: { ...process.env, WF_BENCH_RESULTS: results } });
    if (r.status !== 0) failed++;
  }
  const rows = readFileSync(results, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const over = rows.filter((r) => !r.ok);
  console.log(`\n${rows.length} figures, ${over.length} over their goal${over.length ? `: ${over.map((r) => r.what).join('; ')}` : ''}`);
  if (process.argv.includes('--readme')) {
    if (failed) throw new Error(`${failed} bench script(s) failed: the README keeps its table`);
    const BEGIN = '<!-- speed table: node bench/run-all.mjs --readme -->';
    const END = '<!-- end of speed table -->';
    const text = readFileSync(readme, 'utf8');
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} … ${END} block to regenerate`);
    const day = new Date().toISOString().slice(0, 10);
    const table = [
      BEGIN,
      `Measured ${day} by \`node bench/run-all.mjs --readme\` (node ${process.version}, ${os.cpus().length} cores, medians of interleaved runs, \`NODE_EXTRA_CA_CERTS\` unset on both sides):`,
      '',
      '| bench | what | measured (median) | goal | |',
      '|---|---|---|---|---|',
      ...rows.map((r) => `| \`bench/${r.bench}\` | ${cell(r.what)} | ${cell(r.measured)} | ${cell(r.goal)} | ${r.ok ? 'met' : '**not met**'} |`),
      '',
    ].join('\n');
    writeFileSync(readme, text.slice(0, start) + table + text.slice(end));
    console.log('README.md: speed table regenerated');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
