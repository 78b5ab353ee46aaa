import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAuditEntries, verifyAuditLog } from '../../src/audit/log.js';
import { readState } from '../../src/state/store.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { expectCode } from '../helpers/workflow.js';

/**
 * Real processes against one store: the lock, the re-read inside it, the
 * atomic state write and the hash-chained audit append must hold up when 40
 * processes race, when a lock holder is SIGKILLed, and when a lock is held too
 * long. Workers import the BUILT modules (dist/), like the CLI does.
 */
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const distUrl = (path: string) => pathToFileURL(join(DIST, path)).href;
const LOCK_DIR = '.claude/task-state.json.lock';

const WORKER = `
import { existsSync } from 'node:fs';
const { mutateStore } = await import(${JSON.stringify(distUrl('state/index.js'))});
const { startTask, addTodo } = await import(${JSON.stringify(distUrl('tasks/index.js'))});
const { DEFAULT_CONFIG } = await import(${JSON.stringify(distUrl('config/index.js'))});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (line) => process.stdout.write(line + '\\n'); // pipes are synchronous on Linux: the line is out before we go on
const [mode, root, a, b] = process.argv.slice(2);

if (mode === 'many') {
  // Worker a creates tasks w<a>-<i> and adds todo w<a>-<i> to the shared task: 2*b locked read-modify-writes.
  for (let i = 0; i < Number(b); i++) {
    await mutateStore(root, (tx) => { startTask(tx, { id: 'w' + a + '-' + i }, DEFAULT_CONFIG); });
    await mutateStore(root, (tx) => { addTodo(tx, tx.state.tasks.shared, 'w' + a + '-' + i); });
  }
} else if (mode === 'slow') {
  // Loops until the stop file exists; each transaction sleeps a inside the lock.
  for (let i = 0; !existsSync(b); i++) {
    await mutateStore(root, async (tx) => {
      say('INSIDE ' + process.pid + ' ' + i);
      await sleep(Number(a));
      startTask(tx, { id: 'k' + process.pid + '-' + i }, DEFAULT_CONFIG);
    });
    say('DONE ' + process.pid + ' ' + i);
  }
} else if (mode === 'hold') {
  // Holds the lock until the stop file exists (at most a ms).
  await mutateStore(root, async () => {
    say('HELD ' + process.pid);
    const until = Date.now() + Number(a);
    while (!existsSync(b) && Date.now() < until) await sleep(20);
  });
  say('RELEASED');
} else {
  throw new Error('unknown mode ' + mode);
}
`;

interface Line {
  text: string;
  at: number;
}
interface Proc {
  child: ChildProcess;
  lines: Line[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const repos: TestRepo[] = [];
const procs: Proc[] = [];
afterEach(async () => {
  // Only our own children, by their pid.
  for (const p of procs.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await p.exit;
  }
  for (const r of repos.splice(0)) r.cleanup();
});

function setup(): { repo: TestRepo; worker: string; stopFile: string } {
  const repo = makeRepo();
  repos.push(repo);
  const worker = join(repo.dir, '..', 'worker.mjs');
  writeFileSync(worker, WORKER);
  return { repo, worker, stopFile: join(repo.dir, '..', 'stop') };
}

function startProc(repo: TestRepo, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, args, { cwd: repo.dir, env: { ...repo.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const at = Date.now();
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const text of parts) lines.push({ text, at });
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const proc: Proc = { child, lines, stderr: () => stderr, exit };
  procs.push(proc);
  return proc;
}

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const leftovers = (repo: TestRepo) => readdirSync(join(repo.dir, '.claude')).filter((f) => f !== 'task-state.json' && f !== 'workflow-audit.log');

describe('concurrent wf processes', () => {
  it('40 processes x 5 rounds of locked read-modify-write lose nothing, and the audit chain verifies', async () => {
    const { repo, worker } = setup();
    expectCode(repo.wf(['task', 'start', 'shared', '--title', 'todos from every worker']), 0);
    const WORKERS = 40;
    const ROUNDS = 5;
    const started = Date.now();
    const workers = Array.from({ length: WORKERS }, (_, n) => startProc(repo, [worker, 'many', repo.dir, String(n), String(ROUNDS)]));
    const exits = await Promise.all(workers.map((w) => w.exit));
    const elapsed = Date.now() - started;
    exits.forEach((e, n) => {
      if (e.code !== 0) throw new Error(`worker ${n} exited ${e.code ?? e.signal}: ${workers[n]!.stderr()}`);
    });

    const expected = Array.from({ length: WORKERS }, (_, n) => Array.from({ length: ROUNDS }, (_, i) => `w${n}-${i}`)).flat();
    const state = readState(repo.dir); // parses and passes the zod schema
    expect(Object.keys(state.tasks).sort()).toEqual(['shared', ...expected].sort());
    const todos = state.tasks.shared!.todos.map((t) => t.text);
    expect(todos).toHaveLength(expected.length);
    expect([...todos].sort()).toEqual([...expected].sort());

    const text = repo.read('.claude/workflow-audit.log');
    const total = 1 + 2 * WORKERS * ROUNDS;
    expect(verifyAuditLog(text)).toMatchObject({ ok: true, entries: total, problems: [] });
    const entries = parseAuditEntries(text);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(entries.filter((e) => e.event === 'task-started').map((e) => e.taskId).sort()).toEqual(['shared', ...expected].sort());
    expect(entries.filter((e) => e.event === 'todo-added').map((e) => e.details?.text).sort()).toEqual([...expected].sort());

    const verify = repo.wf(['audit', 'verify']);
    expectCode(verify, 0);
    expect(verify.stdout).toContain(`${total} entries`);
    expect(leftovers(repo)).toEqual([]); // no temp files, no lock folder
    // Loose bound: the whole run (400 transactions from 40 cold node processes) stays well inside the file budget.
    expect(elapsed).toBeLessThan(45_000);
  });

  it('a writer SIGKILLed while it holds the lock: state intact, stale lock taken over in bounded time, chain still verifies', async () => {
    const { repo, worker, stopFile } = setup();
    const HOLD_MS = 800; // long enough that the kill lands inside the change function, not in a write
    const env = { WF_LOCK_STALE_MS: '2000' };
    const writers = [0, 1, 2].map(() => startProc(repo, [worker, 'slow', repo.dir, String(HOLD_MS), stopFile], env));
    const all = () => writers.flatMap((w) => w.lines.map((l) => ({ ...l, w })));

    // Let a few transactions complete first, so there is state and log to damage.
    await waitFor('two completed transactions', () => all().filter((l) => l.text.startsWith('DONE')).length >= 2, 20_000);
    const seen = all().length;
    const inside = await waitFor('a writer inside the lock', () => all().slice(seen).find((l) => l.text.startsWith('INSIDE')), 10_000);
    const victim = inside.w;
    const [, victimPid, victimRound] = inside.text.split(' ');
    expect(existsSync(join(repo.dir, LOCK_DIR))).toBe(true);
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await victim.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(victim.lines.some((l) => l.text === `DONE ${victimPid} ${victimRound}`)).toBe(false); // it died inside the lock
    expect(existsSync(join(repo.dir, LOCK_DIR))).toBe(true); // SIGKILL leaves the lock behind

    // Right after the kill the state is readable and valid (the atomic write never leaves a torn file).
    const mid = readState(repo.dir);
    expect(mid.tasks[`k${victimPid}-${victimRound}`]).toBeUndefined();

    // A new process (the CLI) and the surviving writers wait; one of them takes the stale lock over.
    let cliDoneAt: number | undefined;
    const cli = repo.wfAsync(['task', 'start', 'AFTER-KILL'], { env }).then((r) => ((cliDoneAt = Date.now()), r));
    const survivors = writers.filter((w) => w !== victim);
    const takeover = await waitFor(
      'a takeover of the stale lock',
      () => survivors.flatMap((w) => w.lines).find((l) => l.at > killedAt && l.text.startsWith('INSIDE')) ?? (cliDoneAt ? { at: cliDoneAt } : undefined),
      15_000,
    );
    const takeoverMs = takeover.at - killedAt;
    // Not before the lock went stale (the holder refreshed it every 500 ms until the kill), and not much after.
    expect(takeoverMs).toBeGreaterThanOrEqual(1000);
    expect(takeoverMs).toBeLessThan(8000);

    // The lock is not fair (a writer looping straight back in can beat a polling waiter), so stop the
    // survivors now; each finishes the transaction it is in, then the CLI gets its turn.
    writeFileSync(stopFile, '');
    for (const w of survivors) {
      const e = await w.exit;
      if (e.code !== 0) throw new Error(`survivor exited ${e.code ?? e.signal}: ${w.stderr()}`);
    }
    const cliResult = await cli;
    expectCode(cliResult, 0);

    const state = readState(repo.dir);
    expect(state.tasks['AFTER-KILL']).toBeDefined();
    const text = repo.read('.claude/workflow-audit.log');
    const result = verifyAuditLog(text);
    if (!result.ok) {
      // Only acceptable damage: the kill cut an append short.
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatchObject({ kind: 'torn-last-line' });
    } else {
      expectCode(repo.wf(['audit', 'verify']), 0);
    }
    // Every task the state counts has its audit entry (never a counted event the log lacks).
    const logged = new Set(parseAuditEntries(text).filter((e) => e.event === 'task-started').map((e) => e.taskId));
    for (const id of Object.keys(state.tasks)) expect(logged.has(id), `audit entry for ${id}`).toBe(true);
    const doneLines = writers.flatMap((w) => w.lines).filter((l) => l.text.startsWith('DONE'));
    expect(Object.keys(state.tasks)).toHaveLength(doneLines.length + 1); // every completed transaction, plus AFTER-KILL
    expect(logged.size - Object.keys(state.tasks).length).toBeLessThanOrEqual(1);
    expect(existsSync(join(repo.dir, LOCK_DIR))).toBe(false);
  });

  it('gives up with exit 3 naming the lock when another process holds it past WF_LOCK_WAIT_MS, and writes nothing', async () => {
    const { repo, worker, stopFile } = setup();
    const holder = startProc(repo, [worker, 'hold', repo.dir, '30000', stopFile]);
    await waitFor('the holder to take the lock', () => holder.lines.some((l) => l.text.startsWith('HELD')), 10_000);
    expect(existsSync(join(repo.dir, LOCK_DIR))).toBe(true);

    const t0 = Date.now();
    const blocked = await repo.wfAsync(['task', 'start', 'X'], { env: { WF_LOCK_WAIT_MS: '500' } });
    const took = Date.now() - t0;
    expectCode(blocked, 3);
    expect(blocked.stderr).toMatch(/lock/);
    expect(blocked.stderr).toContain('task-state.json');
    expect(took).toBeLessThan(10_000);
    expect(holder.child.exitCode).toBeNull(); // still holding: the waiter did not break a live lock
    expect(existsSync(join(repo.dir, '.claude/task-state.json'))).toBe(false);
    expect(existsSync(join(repo.dir, '.claude/workflow-audit.log'))).toBe(false);

    writeFileSync(stopFile, '');
    expect(await holder.exit).toEqual({ code: 0, signal: null });
    expectCode(repo.wf(['task', 'start', 'X']), 0);
    expect(Object.keys(readState(repo.dir).tasks)).toEqual(['X']);
    expectCode(repo.wf(['audit', 'verify']), 0);
  });
});
