import { describe, expect, it } from 'vitest';
import { configVerdicts } from '../../src/core/config-schema.js';
import { findStateSchemaProblem } from '../../src/core/state-schema.js';
import { findStateProblem } from '../../src/core/state.js';
import { newTask } from '../../src/core/task-ops.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';

// The hook fast path may not load zod, so it has its own readers; these
// tables hold them to the zod schemas.
const CONFIGS: Array<[string, unknown, boolean]> = [
  ['empty object', {}, true],
  ['defaults', DEFAULT_CONFIG, true],
  ['warn mode', { mode: 'warn' }, true],
  ['array test command', { test: { command: ['npm', 'test'] } }, true],
  ['steps off', { steps: { test: false, review: false, 'plan-review': false } }, true],
  ['$schema', { $schema: './schema.json' }, true],
  ['not an object', [], false],
  ['unknown key', { mdoe: 'warn' }, false],
  ['unknown nested key', { review: { minAproovals: 2 } }, false],
  ['bad mode', { mode: 'lenient' }, false],
  ['zero approvals', { review: { minApprovals: 0 } }, false],
  ['fractional approvals', { review: { minApprovals: 1.5 } }, false],
  ['empty command', { test: { command: '  ' } }, false],
  ['empty command array', { test: { command: [] } }, false],
  ['context above 1', { context: { blockAt: 1.5 } }, false],
  ['warn above block', { context: { warnAt: 0.95, blockAt: 0.9 } }, false],
  ['exclude not a list', { fingerprint: { exclude: 'dist/**' } }, false],
  ['version 2', { version: 2 }, false],
  ['steps not boolean', { steps: { test: 'no' } }, false],
];

describe('config: the fast-path reader agrees with the zod schema', () => {
  it.each(CONFIGS)('%s', (_name, doc, valid) => {
    expect(configVerdicts(doc)).toEqual({ zod: valid, fast: valid });
  });
});

const task = newTask('T-1', 'x', null, false);
const STATES: Array<[string, unknown, boolean]> = [
  ['empty', { version: 1, tasks: {} }, true],
  ['one task', { version: 1, tasks: { 'T-1': task } }, true],
  ['wrong version', { version: 2, tasks: {} }, false],
  ['tasks not an object', { version: 1, tasks: [] }, false],
  ['id differs from key', { version: 1, tasks: { 'T-2': task } }, false],
  ['tests not an array', { version: 1, tasks: { 'T-1': { ...task, tests: {} } } }, false],
  ['malformed test record', { version: 1, tasks: { 'T-1': { ...task, tests: [{ passed: 'yes' }] } } }, false],
  ['malformed review record', { version: 1, tasks: { 'T-1': { ...task, reviews: [{ reviewer: 1 }] } } }, false],
];

describe('state: the fast-path check refuses what the gates would trip on, and zod refuses at least that', () => {
  it.each(STATES)('%s', (_name, doc, valid) => {
    expect(findStateSchemaProblem(doc) === null).toBe(valid);
    expect(findStateProblem(doc) === null).toBe(valid);
  });

  it('zod is the stricter one: a bad step name passes the structural check only', () => {
    const doc = { version: 1, tasks: { 'T-1': { ...task, step: 'deploy' } } };
    expect(findStateSchemaProblem(doc)).toMatch(/step/);
    expect(findStateProblem(doc)).toBeNull();
  });
});
