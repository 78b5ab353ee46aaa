import { describe, expect, it } from 'vitest';
import { colourLevel } from '../../src/cli/style.js';

describe('colourLevel', () => {
  it.each([
    [{}, true, 1],
    [{}, false, 0],
    [{ NO_COLOR: '1' }, true, 0],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, 0],
    [{ FORCE_COLOR: '1' }, false, 1],
    [{ FORCE_COLOR: '' }, false, 1],
    [{ FORCE_COLOR: '3' }, false, 3],
    [{ FORCE_COLOR: '0' }, true, 0],
    [{ FORCE_COLOR: 'false' }, true, 0],
  ] as const)('%j on a %s terminal → %i', (env, tty, level) => {
    expect(colourLevel(env as NodeJS.ProcessEnv, tty)).toBe(level);
  });
});
