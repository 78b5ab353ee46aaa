import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What Claude Code hands a hook on stdin, and finding the repository it is about. */
export interface ToolPayload {
  tool_name?: unknown;
  tool_input?: { command?: unknown; file_path?: unknown; notebook_path?: unknown };
  cwd?: unknown;
  stop_hook_active?: unknown;
  session_id?: unknown;
}

async function readStdin(): Promise<string> {
  // Reading descriptor 0 directly: building process.stdin's stream costs a few ms of every tool call. A
  // non-blocking pipe answers EAGAIN when it is not ready yet, and then the stream waits for it.
  try {
    return readFileSync(0, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function readPayload(): Promise<ToolPayload | null> {
  const text = await readStdin();
  try {
    const payload = JSON.parse(text) as unknown;
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as ToolPayload) : null;
  } catch {
    return null;
  }
}

/** The work tree around `cwd`, found without starting git (this runs before every tool call). */
export function findRoot(cwd: string): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

export const payloadCwd = (payload: ToolPayload) => (typeof payload.cwd === 'string' && payload.cwd ? payload.cwd : process.cwd());
