import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../installation/index.js';

/**
 * The command ids from oclif's manifest, to name the command a user meant.
 * Hand-written rather than @oclif/plugin-not-found: that plugin asks "did you
 * mean …?" on a terminal and then runs the guess, which a script or an agent
 * must never get; wf only says what exists.
 */
function commandIds(): string[] {
  try {
    const manifest = JSON.parse(readFileSync(join(packageRoot(), 'oclif.manifest.json'), 'utf8')) as { commands?: Record<string, unknown> };
    return Object.keys(manifest.commands ?? {});
  } catch {
    return [];
  }
}

/** The command an argv names (its leading words, `review run` → review:run), or null. */
export function commandOf(argv: readonly string[]): string | null {
  const ids = new Set(commandIds());
  const words: string[] = [];
  let found: string | null = null;
  for (const word of argv) {
    if (word.startsWith('-')) break;
    words.push(word);
    if (ids.has(words.join(':'))) found = words.join(' ');
  }
  return found;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The closest command to what was typed (`stauts` → status, `review rn` → review run), when one is close. */
export function closestCommand(typed: string): string | null {
  const wanted = typed.replace(/:/g, ' ');
  let best: { id: string; d: number } | null = null;
  for (const id of commandIds().map((i) => i.replace(/:/g, ' '))) {
    const d = distance(wanted, id);
    if (best === null || d < best.d) best = { id, d };
  }
  return best && best.d <= Math.max(2, Math.floor(wanted.length / 3)) ? best.id : null;
}
