// Speed budget of `wf verify`: 1,000 small commits verify in under 3 s, and
// time grows linearly with commits. The commits are written with git
// fast-import, each carrying the Review-Hash that docs/fingerprint.md
// defines, computed here independently of wf.
// Usage: node bench/verify.mjs [max-commits]
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fmt, interleave, lineFit, makeBenchRepo, result, timeRun, WF } from './lib.mjs';

const max = Number(process.argv[2] ?? 1000);
const sizes = [max / 4, max / 2, max].map(Math.round);
const repo = makeBenchRepo();
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const ZERO = '0'.repeat(64);

try {
  // Commit 0 is the base; commits 1..max each change one of 50 files.
  const files = new Map();
  let stream = '';
  const blob = (content) => `data ${Buffer.byteLength(content)}\n${content}\n`;
  for (let i = 0; i <= max; i++) {
    const path = `src/file${i % 50}.txt`;
    const content = `version ${i} of ${path}\n`;
    const old = files.get(path);
    const record = `${old === undefined ? '000000' : '100644'} 100644 ${old === undefined ? ZERO : sha256(old)} ${sha256(content)} ${path}\0`;
    files.set(path, content);
    const message = i === 0 ? 'base\n' : `change ${i}\n\nReview-Hash: ${sha256(record)}\nReview-Id: bench:ses_01J9ZK3V6QW8E2R4T6Y8U0I2${String(i).padStart(4, '0')}\n`;
    stream += `commit refs/heads/main\nmark :${i + 1}\ncommitter Bench <bench@example.invalid> ${1700000000 + i} +0000\n${blob(message)}`;
    if (i > 0) stream += `from :${i}\n`;
    stream += `M 100644 inline ${path}\n${blob(content)}\n`;
  }
  repo.run('git', ['fast-import', '--quiet'], { input: stream });
  repo.run('git', ['checkout', '-q', 'main']);
  const shas = repo.run('git', ['rev-list', '--reverse', 'main']).trim().split('\n');
  const opts = { cwd: repo.dir, env: repo.env };

  const variants = { 'node -e 0': () => timeRun(process.execPath, ['-e', '0'], opts) };
  for (const n of sizes) variants[`${n} commits`] = () => timeRun(process.execPath, [WF, 'verify', '--base', shas[0], '--head', shas[n]], opts);
  // A sanity run: every generated commit must pass, or the bench measures the wrong thing.
  const check = JSON.parse(repo.run(process.execPath, [WF, 'verify', '--base', shas[0], '--head', shas[max], '--json']));
  if (!check.ok || check.summary.passed !== max) throw new Error(`expected ${max} passing commits, got ${JSON.stringify(check.summary)}`);

  const medians = interleave(7, variants);
  console.log(`wf verify, median of 7 interleaved runs (all ${max} generated commits pass):`);
  for (const [name, ms] of Object.entries(medians)) console.log(`  ${name.padEnd(14)} ${fmt(ms)}`);
  const fit = lineFit(sizes, sizes.map((n) => medians[`${n} commits`] - medians['node -e 0']));
  console.log(`  fit: ${fmt(fit.fixed)} fixed + ${fit.slope.toFixed(3)} ms per commit; the middle size is ${fit.offPercent.toFixed(0)}% off the line`);
  const top = medians[`${max} commits`];
  result({ bench: 'verify.mjs', what: `\`wf verify\` over ${max.toLocaleString('en')} commits`, measured: `${fmt(top)} (${fmt(fit.fixed)} fixed + ${fit.slope.toFixed(3)} ms per commit, linear within ${Math.abs(fit.offPercent).toFixed(0)}%)`, goal: '< 3 s, linear', ok: (max < 1000 || top < 3000) && Math.abs(fit.offPercent) <= 15 });
} finally {
  rmSync(repo.base, { recursive: true, force: true });
}
