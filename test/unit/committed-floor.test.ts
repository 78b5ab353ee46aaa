import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type WfConfig } from '../../src/config/reader.js';
import { configLoosenings, floorFromInvalidConfig, uncommittedReviewerChanges, withCommittedFloor } from '../../src/config/floor.js';
import { parseConfigWithSchema } from '../helpers/zod-config.js';
import { parseConfigText } from '../../src/config/reader.js';

const config = (patch: (c: WfConfig) => void = () => undefined): WfConfig => {
  const c = structuredClone(DEFAULT_CONFIG);
  patch(c);
  return c;
};
const reviewer = (command: string[]) => ({ command, prompt: 'stdin' as const, timeoutSeconds: 600, verdict: { regex: 'VERDICT: (\\w+)' }, continuationId: { jsonPath: 'id' } });

describe('complexity.exclude: lock files by default, HEAD\'s list in force', () => {
  it('defaults to the npm, yarn, pnpm and bun lock files at any depth, in both readers', () => {
    for (const c of [parseConfigText('{}', 'x'), parseConfigWithSchema('{}')]) {
      expect(c.complexity.exclude).toEqual(['**/package-lock.json', '**/npm-shrinkwrap.json', '**/yarn.lock', '**/pnpm-lock.yaml', '**/bun.lock', '**/bun.lockb']);
    }
  });

  it('an uncommitted glob does not count; an uncommitted removal does not either, and the thresholds stay the working tree\'s', () => {
    const committed = config();
    const added = withCommittedFloor(config((c) => {
      c.complexity.exclude = ['src/**'];
      c.complexity.maxFiles = 3;
    }), committed);
    expect(added.complexity).toEqual({ ...DEFAULT_CONFIG.complexity, maxFiles: 3 });
    expect(withCommittedFloor(config((c) => (c.complexity.exclude = [])), committed).complexity.exclude).toEqual(DEFAULT_CONFIG.complexity.exclude);
  });

  it('a committed config that no longer validates keeps a well-formed list, the default when absent, and none when malformed', () => {
    expect(floorFromInvalidConfig(JSON.stringify({ version: 2, complexity: { exclude: ['**/Cargo.lock'] } }), config()).complexity.exclude).toEqual(['**/Cargo.lock']);
    expect(floorFromInvalidConfig(JSON.stringify({ version: 2 }), config()).complexity.exclude).toEqual(DEFAULT_CONFIG.complexity.exclude);
    expect(floorFromInvalidConfig(JSON.stringify({ version: 2, complexity: { exclude: '**' } }), config()).complexity.exclude).toEqual([]);
  });

  it('a committed config that no longer validates keeps its well-formed test command, else the working tree\'s (the default might not run at all, and nothing could be committed)', () => {
    const working = config((c) => (c.test.command = ['node', 'test.mjs']));
    expect(floorFromInvalidConfig(JSON.stringify({ version: 2, test: { command: 'npm run ci' } }), working).test.command).toBe('npm run ci');
    expect(floorFromInvalidConfig(JSON.stringify({ version: 2 }), working).test.command).toEqual(['node', 'test.mjs']);
    expect(floorFromInvalidConfig(JSON.stringify({ version: 2, test: { command: '  ' } }), working).test.command).toEqual(['node', 'test.mjs']);
    expect(floorFromInvalidConfig('not json', working).test.command).toEqual(['node', 'test.mjs']);
  });

  it('removing a glob is no loosening', () => {
    expect(configLoosenings(config((c) => (c.complexity.exclude = [])), config())).not.toContain('complexity.exclude');
  });
});

describe('withCommittedFloor: the committed config is a floor for every gate setting', () => {
  it('without a committed config the working tree is all there is', () => {
    const working = config((c) => (c.mode = 'warn'));
    expect(withCommittedFloor(working, null)).toBe(working);
  });

  it.each<[string, (c: WfConfig) => void, (c: WfConfig) => unknown, unknown]>([
    ['mode warn', (c) => (c.mode = 'warn'), (c) => c.mode, 'strict'],
    ['plan-review off', (c) => (c.steps['plan-review'] = false), (c) => c.steps['plan-review'], true],
    ['test off', (c) => (c.steps.test = false), (c) => c.steps.test, true],
    ['review off', (c) => (c.steps.review = false), (c) => c.steps.review, true],
    ['fewer approvals', (c) => (c.review.minApprovals = 1), (c) => c.review.minApprovals, 2],
    ['manual reviews on', (c) => (c.review.allowManual = true), (c) => c.review.allowManual, false],
  ])('an uncommitted loosening (%s) does not take effect', (_name, loosen, read, expected) => {
    const committed = config((c) => {
      c.review.minApprovals = 2;
      c.review.allowManual = false;
    });
    const working = structuredClone(committed);
    loosen(working);
    expect(read(withCommittedFloor(working, committed))).toBe(expected);
  });

  it('an uncommitted tightening takes effect at once', () => {
    const committed = config((c) => (c.mode = 'warn'));
    const working = config((c) => {
      c.steps.test = true;
      c.review.minApprovals = 3;
      c.review.allowManual = false;
    });
    const effective = withCommittedFloor(working, committed);
    expect(effective).toMatchObject({ mode: 'strict', review: { minApprovals: 3, allowManual: false } });
  });

  it('the test command and its folder come from the committed config alone: an uncommitted `exit 0` proves nothing', () => {
    const committed = config((c) => {
      c.test.command = 'npm test';
      c.test.cwd = 'packages/app';
    });
    const working = config((c) => {
      c.test.command = 'exit 0';
      c.test.cwd = 'packages/empty';
      c.test.timeoutSeconds = 60;
    });
    const effective = withCommittedFloor(working, committed);
    expect(effective.test).toEqual({ command: 'npm test', cwd: 'packages/app', timeoutSeconds: 60 });
  });

  it('reviewers, the test command and fingerprint excludes come from the committed config alone; other settings from the working tree', () => {
    const committed = config((c) => (c.reviewers = { gemini: reviewer(['gemini', '-p']) }));
    const working = config((c) => {
      c.reviewers = { gemini: reviewer(['node', '-e', 'approve-everything']), extra: reviewer(['extra']) };
      c.test.command = 'npm run test:unit';
      c.fingerprint.exclude = ['dist/**'];
    });
    const effective = withCommittedFloor(working, committed);
    expect(effective.reviewers).toEqual(committed.reviewers);
    expect(effective.test.command).toBe('npm test');
    // A new exclude would hide files from the review it is part of.
    expect(effective.fingerprint.exclude).toEqual([]);
    expect(uncommittedReviewerChanges(working, effective)).toEqual(['extra', 'gemini']);
    expect(uncommittedReviewerChanges(committed, effective)).toEqual([]);
  });
});

describe('floorFromInvalidConfig: a committed config that no longer validates still sets a floor', () => {
  it('keeps every well-formed field of a config that fails on another one (say, a timeout above the cap)', () => {
    const text = JSON.stringify({
      test: { timeoutSeconds: 100000 },
      review: { minApprovals: 2, allowManual: false },
      steps: { test: false },
      reviewers: { good: { command: ['gemini'], continuationId: { jsonPath: 'id' } }, bad: { command: 'gemini -p' } },
      fingerprint: { exclude: ['dist/**'] },
    });
    expect(() => parseConfigText(text, 'x')).toThrow();
    const floor = floorFromInvalidConfig(text, config());
    expect(floor.review).toEqual({ minApprovals: 2, allowManual: false });
    expect(floor.steps).toEqual({ 'plan-review': true, test: false, review: true });
    expect(Object.keys(floor.reviewers)).toEqual(['good']);
    expect(floor.reviewers.good!.timeoutSeconds).toBe(600);
    expect(floor.fingerprint.exclude).toEqual(['dist/**']);
    // And the working tree cannot loosen below it.
    const effective = withCommittedFloor(config(), floor);
    expect(effective.review).toEqual({ minApprovals: 2, allowManual: false });
  });

  it('a malformed field fails closed', () => {
    const floor = floorFromInvalidConfig(JSON.stringify({ version: 2, mode: 'lenient', review: { minApprovals: 'two', allowManual: 'no' }, steps: { review: 0 }, fingerprint: { exclude: 'src' } }), config());
    expect(floor).toMatchObject({ mode: 'strict', review: { minApprovals: 1, allowManual: false }, steps: { review: true }, fingerprint: { exclude: [] } });
  });

  it('text that is not JSON falls back to the defaults (with the working tree\'s reviewers), so the fix can still be committed', () => {
    const working = config((c) => (c.reviewers = { r: reviewer(['r']) }));
    expect(floorFromInvalidConfig('{ not json', working)).toEqual({ ...DEFAULT_CONFIG, reviewers: working.reviewers });
  });
});

describe('uncommittedReviewerChanges', () => {
  it('sees no change between the same reviewer read by the zod schema and by the fast reader (different key orders)', () => {
    const text = JSON.stringify({ reviewers: { gemini: { continuationId: { jsonPath: 'id' }, command: ['gemini', '-p'], resumeArgs: ['--resume', '{id}'] } } });
    const zod = parseConfigWithSchema(text);
    const fast = parseConfigText(text, 'x');
    expect(JSON.stringify(zod.reviewers)).not.toBe(JSON.stringify(fast.reviewers));
    expect(uncommittedReviewerChanges(zod, fast)).toEqual([]);
  });
});


describe('configLoosenings: what a pull request\'s own config loosens against its base (wf fix refuses to run its gates under it)', () => {
  it('the same config, or a stricter one, loosens nothing', () => {
    expect(configLoosenings(config(), config())).toEqual([]);
    expect(configLoosenings(config((c) => (c.review.minApprovals = 2)), config())).toEqual([]);
  });

  it.each<[string, (c: WfConfig) => void]>([
    ['mode', (c) => (c.mode = 'warn')],
    ['steps.test', (c) => (c.steps.test = false)],
    ['steps.review', (c) => (c.steps.review = false)],
    ['review.minApprovals', (c) => (c.review.minApprovals = 0)],
    ['reviewers', (c) => (c.reviewers = { fake: reviewer(['true']) })],
    ['test.command', (c) => (c.test.command = 'true')],
    ['fingerprint.exclude', (c) => (c.fingerprint.exclude = ['src/**'])],
    ['secrets.allow', (c) => (c.secrets.allow = ['**'])],
    ['complexity.exclude', (c) => (c.complexity.exclude = [...c.complexity.exclude, 'src/**'])],
  ])('%s is named', (name, patch) => {
    expect(configLoosenings(config(patch), config())).toContain(name);
  });

  it('allowManual turned on against a base that has it off', () => {
    expect(configLoosenings(config(), config((c) => (c.review.allowManual = false)))).toEqual(['review.allowManual']);
  });
});
