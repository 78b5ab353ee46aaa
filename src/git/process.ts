import type { ChildProcessWithoutNullStreams, SpawnOptionsWithStdioTuple, StdioPipe } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { environmentError } from '../errors/index.js';

/**
 * The one adapter over git. Arguments are always arrays (never a shell
 * string built from data), blobs stream through one long-lived
 * `git cat-file --batch`, and it imports nothing beyond node: so the hook
 * fast path can use it.
 */
/**
 * node:child_process, and the stream and socket modules it brings, cost a few ms of start-up; a hook that
 * starts no git process at all (commit-msg with pre-commit's handoff) never loads them.
 */
let childProcess: typeof import('node:child_process') | undefined;
function spawnGit(args: string[], options: SpawnOptionsWithStdioTuple<StdioPipe, StdioPipe, StdioPipe>): ChildProcessWithoutNullStreams {
  childProcess ??= createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  return childProcess.spawn('git', args, options);
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

export interface RunGitOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** Exit codes that are answers rather than failures (for example 1 from `rev-parse --verify -q`). */
  okExitCodes?: number[];
}

/**
 * A hook runs with GIT_INDEX_FILE naming the temporary index of
 * `git commit -a` / `git commit <paths>`; it may be relative to the folder
 * the hook started in, so it is pinned to an absolute path once.
 */
export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
  const index = base.GIT_INDEX_FILE;
  if (index && !isAbsolute(index)) env.GIT_INDEX_FILE = resolve(index);
  return env;
}

export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${exitCode}): ${stderr.trim() || 'no message'}`);
    this.name = 'GitCommandError';
  }
}

function missingGit(err: NodeJS.ErrnoException) {
  return environmentError(`git could not be started (${err.code ?? err.message})`, {
    hint: 'install git (2.30 or newer) and make sure it is on PATH',
  });
}

export function runGit(args: string[], options: RunGitOptions): Promise<GitResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnGit(args, { cwd: options.cwd, env: options.env ?? gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? missingGit(e) : e));
    child.on('close', (code) => {
      const result = { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), exitCode: code ?? 128 };
      if (result.exitCode === 0 || options.okExitCodes?.includes(result.exitCode)) resolvePromise(result);
      else reject(new GitCommandError(args, result.exitCode, result.stderr));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export async function gitText(args: string[], options: RunGitOptions): Promise<string> {
  return (await runGit(args, options)).stdout.toString('utf8').replace(/\n$/, '');
}

interface PendingRequest {
  oid: string;
  kind: 'sha256' | 'content';
  resolve: (value: { type: string; sha256?: string; content?: Buffer } | null) => void;
  reject: (err: Error) => void;
}

/**
 * One `git cat-file --batch` process answering many requests in order.
 * Content is hashed as it streams, so a 100 MB blob is never held in memory
 * when only its digest is wanted.
 */
export class CatFileBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: PendingRequest[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private current: { request: PendingRequest; type: string; remaining: number; hash?: Hash; chunks?: Buffer[] } | null = null;
  private failure: Error | null = null;
  private closed = false;

  constructor(cwd: string, env: NodeJS.ProcessEnv = gitEnv()) {
    this.child = spawnGit(['cat-file', '--batch'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stdin.on('error', () => undefined);
    this.child.on('error', (e: NodeJS.ErrnoException) => this.fail(e.code === 'ENOENT' ? missingGit(e) : e));
    this.child.on('close', (code) => {
      this.closed = true;
      if (this.queue.length > 0 || this.current) this.fail(new GitCommandError(['cat-file', '--batch'], code ?? 128, stderr || 'exited early'));
    });
  }

  private fail(err: Error): void {
    this.failure = err;
    if (this.current) this.current.request.reject(err);
    this.current = null;
    for (const request of this.queue.splice(0)) request.reject(err);
  }

  private request(oid: string, kind: PendingRequest['kind']) {
    return new Promise<{ type: string; sha256?: string; content?: Buffer } | null>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      if (this.closed) return reject(new Error('cat-file batch is closed'));
      this.queue.push({ oid, kind, resolve, reject });
      this.child.stdin.write(`${oid}\n`);
    });
  }

  /** The SHA-256 of an object's bytes as git stores them; null when the object is missing. */
  async sha256(oid: string): Promise<string | null> {
    const result = await this.request(oid, 'sha256');
    return result?.sha256 ?? null;
  }

  /** An object's bytes and type; null when missing. */
  async read(oid: string): Promise<{ type: string; content: Buffer } | null> {
    const result = await this.request(oid, 'content');
    return result ? { type: result.type, content: result.content! } : null;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.current) {
        const cur = this.current;
        if (cur.remaining > 0) {
          const take = Math.min(cur.remaining, this.buffer.length);
          if (take === 0) return;
          const part = this.buffer.subarray(0, take);
          if (cur.hash) cur.hash.update(part);
          else cur.chunks!.push(Buffer.from(part));
          cur.remaining -= take;
          this.buffer = this.buffer.subarray(take);
          if (cur.remaining > 0) return;
        }
        // Each object's content is followed by one LF.
        if (this.buffer.length === 0) return;
        this.buffer = this.buffer.subarray(1);
        this.current = null;
        if (cur.hash) cur.request.resolve({ type: cur.type, sha256: cur.hash.digest('hex') });
        else cur.request.resolve({ type: cur.type, content: Buffer.concat(cur.chunks!) });
        continue;
      }
      const newline = this.buffer.indexOf(10);
      if (newline < 0) return;
      const header = this.buffer.subarray(0, newline).toString('latin1');
      this.buffer = this.buffer.subarray(newline + 1);
      const request = this.queue.shift();
      if (!request) {
        this.fail(new Error(`cat-file answered without a request: ${header}`));
        return;
      }
      const parts = header.split(' ');
      if (parts[1] === 'missing' || parts[1] === 'ambiguous') {
        request.resolve(null);
        continue;
      }
      const size = Number(parts[2]);
      if (parts.length !== 3 || !Number.isInteger(size)) {
        this.fail(new Error(`cat-file sent an unexpected header: ${header}`));
        return;
      }
      this.current =
        request.kind === 'sha256'
          ? { request, type: parts[1]!, remaining: size, hash: createHash('sha256') }
          : { request, type: parts[1]!, remaining: size, chunks: [] };
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('close', () => resolve());
      this.child.stdin.end();
    });
  }
}
