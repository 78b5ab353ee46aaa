import { Chalk, type ChalkInstance } from 'chalk';

/**
 * Colours on a TTY; never with NO_COLOR (https://no-color.org); with
 * FORCE_COLOR (1, 2, 3, or empty/true for basic colours; 0/false for none)
 * even into a pipe, as CI logs that render colour want.
 */
export function colourLevel(env: NodeJS.ProcessEnv, isTTY: boolean): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as 2 | 3;
    return 1;
  }
  return isTTY ? 1 : 0;
}

export function makeStyle(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  return new Chalk({ level: colourLevel(process.env, stream.isTTY === true) });
}
