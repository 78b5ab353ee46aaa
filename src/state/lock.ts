import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { environmentError } from '../errors/index.js';

/**
 * One lock guards the whole store (state file and audit log), so a command
 * that updates the state and appends to the log does both atomically with
 * respect to other wf processes, and two locks can never deadlock.
 */
export interface LockOptions {
  /** A lock not refreshed for this long belongs to a dead process and is taken over. */
  staleMs?: number;
  /** How long to keep trying before giving up with exit 3. */
  waitMs?: number;
}

const DEFAULT_STALE_MS = 10_000;
const DEFAULT_WAIT_MS = 60_000;

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export interface HeldLock {
  /** Call right before making a write visible: throws if the lock was lost meanwhile, so nothing is written without it. */
  assertHeld(): void;
}

export async function withFileLock<T>(file: string, fn: (lock: HeldLock) => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  // Tests shorten the stale time to show a killed writer's lock being taken over; it only tunes timing, it skips nothing.
  const staleMs = Math.max(2000, options.staleMs ?? numberFromEnv('WF_LOCK_STALE_MS') ?? DEFAULT_STALE_MS);
  const waitMs = options.waitMs ?? numberFromEnv('WF_LOCK_WAIT_MS') ?? DEFAULT_WAIT_MS;
  mkdirSync(dirname(file), { recursive: true });

  let compromised: Error | undefined;
  const started = Date.now();
  let release: (() => Promise<void>) | undefined;
  let delay = 5;
  for (;;) {
    try {
      release = await lockfile.lock(file, {
        realpath: false,
        stale: staleMs,
        update: Math.floor(staleMs / 4),
        retries: 0,
        onCompromised: (err) => {
          compromised = err;
        },
      });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      if (Date.now() - started > waitMs) {
        throw environmentError(`could not take the lock on ${file} within ${waitMs < 1000 ? `${waitMs} ms` : `${Math.round(waitMs / 1000)} s`}: another wf process holds it`, {
          where: `${file}.lock`,
          hint: 'wait for the other wf command to finish and run this one again; a lock left by a killed process is taken over after ' +
            `${Math.round(staleMs / 1000)} s`,
        });
      }
      // Jittered backoff keeps 40 waiting processes from retrying in lockstep.
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 100);
    }
  }
  const held: HeldLock = {
    assertHeld() {
      if (!compromised) return;
      throw environmentError(`the lock on ${file} was lost while wf held it (${compromised.message}); nothing was written`, {
        where: `${file}.lock`,
        hint: 'run the command again; if it repeats, check that the folder is on a local disk and not shared by clock-skewed machines',
      });
    },
  };
  try {
    return await fn(held);
  } finally {
    await release!().catch(() => undefined);
  }
}
