import { parseArgs, type ParseArgsConfig } from 'node:util';

export type FastOptions = NonNullable<ParseArgsConfig['options']>;
export type FastValues = Record<string, string | boolean | undefined>;

/**
 * A command line read by a fast path (fast-read.ts, fast-rollup.ts), which runs a command without
 * oclif. node's own parseArgs reads exactly the flags the oclif command declares; anything else (a
 * typo, --help, a repeated flag, a short option, `--`, a flag value that looks like a flag) gives
 * null and bin/wf.js hands the line to oclif, so usage errors and help read the same whichever way
 * a command ran.
 */
export function parseFastLine(args: readonly string[], options: FastOptions): FastValues | null {
  try {
    const { values, tokens } = parseArgs({ args: [...args], options, strict: true, allowPositionals: false, tokens: true });
    const names = tokens.filter((t) => t.kind === 'option').map((t) => t.name);
    if (new Set(names).size !== names.length) return null;
    if (tokens.some((t) => t.kind === 'option-terminator' || (t.kind === 'option' && !t.rawName.startsWith('--')))) return null;
    if (Object.values(values).some((v) => typeof v === 'string' && v.startsWith('-'))) return null;
    return values as FastValues;
  } catch {
    return null;
  }
}
