import { Chalk, type ChalkInstance } from 'chalk';

/** Colours only on a TTY, never with NO_COLOR (https://no-color.org), whatever chalk's own detection says. */
export function makeStyle(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return new Chalk({ level: noColor || !stream.isTTY ? 0 : 1 });
}
