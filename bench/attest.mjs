// Speed budgets of the attestation path, medians of interleaved runs in one
// environment (NODE_EXTRA_CA_CERTS unset for both sides, as on a user's
// machine):
//   1. `wf verify` over 1,000 attested commits under 2 s, linear in commits;
//   2. a lookup stays as fast with 100,000 attestations on the ref as with a
//      handful (no full scans);
//   3. `wf review ci` overhead for 100 commits, reviewer time excluded, under 1 s.
// The attestations are signed by wf's own code (dist/attestation) with a key
// made by ssh-keygen, then written with one git fast-import.
// Usage: node bench/attest.mjs [max-commits]
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, interleave, lineFit, makeBenchRepo, median, result, timeRun, WF } from './lib.mjs';

const { attestationPath, loadOpenSshPrivateKey, renderAllowedSignerLine, reviewStatement, signStatement } = await import('../dist/attestation/index.js');

const max = Number(process.argv[2] ?? 1000);
const sizes = [max / 4, max / 2, max].map(Math.round);
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const ZERO = '0'.repeat(64);
const keyDir = mkdtempSync(join(tmpdir(), 'wf-bench-key-'));
spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bench', '-f', join(keyDir, 'key')]);
const keyText = readFileSync(join(keyDir, 'key'), 'utf8');
const signer = loadOpenSshPrivateKey(keyText, 'bench key');
const attestors = `${renderAllowedSignerLine({ principal: 'bench', publicKey: signer.publicKey, namespaces: ['wf-review'], validAfter: new Date('2020-01-01T00:00:00Z') })}\n`;
const blob = (content) => `data ${Buffer.byteLength(content)}\n${content}\n`;
const reviewerScript = join(keyDir, 'reviewer.mjs');
writeFileSync(reviewerScript, "import { randomUUID } from 'node:crypto';\nprocess.stdin.resume();\nprocess.stdin.on('end', () => console.log(JSON.stringify({ session_id: randomUUID(), response: 'VERDICT: APPROVED' })));\n");
const reviewerCommand = [process.execPath, reviewerScript];
const config = (required) =>
  JSON.stringify({
    version: 1,
    attestation: { required, trailers: 'required' },
    reviewers: { bench: { command: reviewerCommand, continuationId: { jsonPath: 'session_id' }, verdict: { jsonPath: 'response', regex: '^VERDICT: (\\w+)$' } } },
  });
// verify counts an approval only when it names the command the base configures for that reviewer.
const reviewerCommandDigest = { sha256: sha256(JSON.stringify(reviewerCommand)) };

/** A repository with `commits` reviewed commits on main and, when `attest`, a signed attestation for each, plus `padding` unrelated ones. */
function build(commits, { attest, padding = 0 }) {
  const repo = makeBenchRepo();
  const files = new Map();
  let stream = `commit refs/heads/main\nmark :1\ncommitter Bench <bench@example.invalid> 1700000000 +0000\n${blob('base\n')}M 100644 inline .claude/wf.config.json\n${blob(config(true))}M 100644 inline .claude/wf-attestors\n${blob(attestors)}`;
  const fingerprints = [];
  for (let i = 1; i <= commits; i++) {
    const path = `src/file${i % 50}.txt`;
    const content = `version ${i} of ${path}\n`;
    const old = files.get(path);
    const fp = sha256(`${old === undefined ? '000000' : '100644'} 100644 ${old === undefined ? ZERO : sha256(old)} ${sha256(content)} ${path}\0`);
    fingerprints.push(fp);
    files.set(path, content);
    stream += `commit refs/heads/main\nmark :${i + 1}\ncommitter Bench <bench@example.invalid> ${1700000000 + i} +0000\n${blob(`change ${i}\n\nReview-Hash: ${fp}\nReview-Id: bench:ses_01J9ZK3V6QW8E2R4T6Y8U0I2${String(i).padStart(4, '0')}\n`)}from :${i}\nM 100644 inline ${path}\n${blob(content)}`;
  }
  if (attest || padding > 0) {
    stream += `commit refs/notes/wf-attestations\ncommitter Bench <bench@example.invalid> 1700000000 +0000\n${blob('attestations\n')}`;
    const predicate = (i) => ({ reviewer: 'bench', sessionId: `ses_${i}`, verdict: 'approved', step: 'review', time: '2026-01-01T00:00:00.000Z', repository: 'bench', headCommit: 'a'.repeat(40), baseCommit: 'b'.repeat(40), baseConfigDigest: { sha256: ZERO }, reviewerCommandDigest, reviewTextDigest: { sha256: ZERO }, wfVersion: 'bench' });
    const envelopeFor = (fp, i) => JSON.stringify(signStatement(reviewStatement(fp, predicate(i)), signer));
    if (attest) fingerprints.forEach((fp, i) => {
      const envelope = envelopeFor(fp, i);
      stream += `M 100644 inline ${attestationPath(fp, 'bench', envelope)}\n${blob(envelope)}`;
    });
    // Unrelated attestations: one signed envelope reused under many fingerprints (signing 100,000 would measure node, not wf).
    const filler = envelopeFor(ZERO, 0);
    for (let i = 0; i < padding; i++) stream += `M 100644 inline ${attestationPath(sha256(`pad ${i}`), 'bench', `${filler}${i}`)}\n${blob(filler)}`;
  }
  repo.run('git', ['fast-import', '--quiet'], { input: stream });
  repo.run('git', ['checkout', '-q', 'main']);
  return { repo, shas: repo.run('git', ['rev-list', '--reverse', 'main']).trim().split('\n'), fingerprints };
}

const repos = [];
try {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;

  // 1. verify over attested commits.
  const attested = build(max, { attest: true });
  repos.push(attested.repo);
  const opts = { cwd: attested.repo.dir, env: { ...attested.repo.env, NODE_EXTRA_CA_CERTS: '' } };
  delete opts.env.NODE_EXTRA_CA_CERTS;
  const check = JSON.parse(attested.repo.run(process.execPath, [WF, 'verify', '--base', attested.shas[0], '--head', attested.shas[max], '--json']));
  if (!check.ok || !check.attestationRequired || check.summary.passed !== max) throw new Error(`expected ${max} attested commits to pass, got ${JSON.stringify(check.summary)}`);
  const variants = { 'node -e 0': () => timeRun(process.execPath, ['-e', '0'], opts) };
  for (const n of sizes) variants[`${n} commits`] = () => timeRun(process.execPath, [WF, 'verify', '--base', attested.shas[0], '--head', attested.shas[n]], opts);
  const medians = interleave(7, variants);
  console.log(`wf verify with attestation.required, median of 7 interleaved runs (all ${max} commits attested and passing):`);
  for (const [name, ms] of Object.entries(medians)) console.log(`  ${name.padEnd(14)} ${fmt(ms)}`);
  const fit = lineFit(sizes, sizes.map((n) => medians[`${n} commits`] - medians['node -e 0']));
  console.log(`  fit: ${fmt(fit.fixed)} fixed + ${fit.slope.toFixed(3)} ms per commit; the middle size is ${fit.offPercent.toFixed(0)}% off the line`);
  const top = medians[`${max} commits`];
  result({ bench: 'attest.mjs', what: `\`wf verify\` over ${max.toLocaleString('en')} attested commits`, measured: `${fmt(top)} (${fmt(fit.fixed)} fixed + ${fit.slope.toFixed(2)} ms per commit, linear within ${Math.abs(fit.offPercent).toFixed(0)}%)`, goal: '< 2 s, linear', ok: (max < 1000 || top < 2000) && Math.abs(fit.offPercent) <= 15 });

  // 2. one lookup among 100,000 attestations against one among a few.
  const small = build(10, { attest: true });
  const large = build(10, { attest: true, padding: 100_000 });
  repos.push(small.repo, large.repo);
  const lookup = interleave(9, {
    'ref with 10 attestations': () => timeRun(process.execPath, [WF, 'verify', '--base', small.shas[0], '--head', small.shas[10]], { cwd: small.repo.dir, env: opts.env }),
    'ref with 100,010 attestations': () => timeRun(process.execPath, [WF, 'verify', '--base', large.shas[0], '--head', large.shas[10]], { cwd: large.repo.dir, env: opts.env }),
  });
  const ratio = lookup['ref with 100,010 attestations'] / lookup['ref with 10 attestations'];
  console.log('wf verify of 10 commits, median of 9 interleaved runs:');
  for (const [name, ms] of Object.entries(lookup)) console.log(`  ${name.padEnd(30)} ${fmt(ms)}`);
  result({ bench: 'attest.mjs', what: '`wf verify` of 10 commits with 100,010 attestations on the ref vs 10', measured: `${fmt(lookup['ref with 100,010 attestations'])} vs ${fmt(lookup['ref with 10 attestations'])} = ${ratio.toFixed(2)}×`, goal: '≤ 1.25× (no full scans)', ok: ratio <= 1.25 });

  // 3. review ci on 100 unattested commits: total time minus the reviewer's own.
  const overheads = [];
  for (let round = 0; round < 3; round++) {
    const fresh = build(100, { attest: false });
    repos.push(fresh.repo);
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [WF, 'review', 'ci', '--base', fresh.shas[0], '--head', fresh.shas[100], '--max-commits', '100', '--json', '--no-post'], { cwd: fresh.repo.dir, env: { ...opts.env, WF_ATTESTATION_KEY: keyText }, encoding: 'utf8' });
    const total = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) throw new Error(`wf review ci failed: ${r.stdout}${r.stderr}`);
    const report = JSON.parse(r.stdout);
    const reviewerMs = report.commits.flatMap((c) => c.reviewers).reduce((sum, x) => sum + x.durationMs, 0);
    overheads.push(total - reviewerMs);
  }
  const overhead = median(overheads);
  console.log('wf review ci on 100 commits, median of 3 runs, reviewer runs excluded:');
  result({ bench: 'attest.mjs', what: '`wf review ci` on 100 commits, reviewer time excluded', measured: fmt(overhead), goal: '< 1 s', ok: overhead < 1000 });
} finally {
  for (const r of repos) rmSync(r.base, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
}
