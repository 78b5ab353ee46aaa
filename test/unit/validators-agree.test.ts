import { describe, expect, it } from 'vitest';
import { configVerdicts } from '../../src/config/schema.js';
import { findStateSchemaProblem } from '../../src/state/schema.js';
import { findStateProblem } from '../../src/state/model.js';
import { newTask, REVIEWER_NAME } from '../../src/tasks/operations.js';
import { DEFAULT_CONFIG, parseConfigText, REVIEWER_DEFAULTS, REVIEWER_NAME_PATTERN } from '../../src/config/reader.js';
import { parseConfigWithSchema } from '../helpers/zod-config.js';

const FULL_REVIEWER = {
  command: ['gemini', '-p'],
  prompt: 'stdin',
  timeoutSeconds: 600,
  verdict: { regex: 'VERDICT:\\s*(APPROVED|NEEDS_REVISION)' },
  continuationId: { jsonPath: 'session_id' },
  resumeArgs: ['--resume', '{id}'],
};

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
  ['complexity exclude', { complexity: { exclude: ['**/Cargo.lock'] } }, true],
  ['complexity exclude empty', { complexity: { maxFiles: 3, exclude: [] } }, true],
  ['complexity exclude not a list', { complexity: { exclude: '**/yarn.lock' } }, false],
  ['complexity exclude with an empty glob', { complexity: { exclude: [''] } }, false],
  ['complexity exclude with a number', { complexity: { exclude: [1] } }, false],
  ['version 2', { version: 2 }, false],
  ['steps not boolean', { steps: { test: 'no' } }, false],
  ['manual reviews refused', { review: { minApprovals: 1, allowManual: false } }, true],
  ['allowManual not boolean', { review: { allowManual: 'no' } }, false],
  // Reviewers for wf review run.
  ['no reviewers', { reviewers: {} }, true],
  ['reviewer with every field', { reviewers: { gemini: FULL_REVIEWER } }, true],
  ['minimal reviewer', { reviewers: { codex: { command: ['codex', 'exec'], continuationId: { regex: 'session id: (\\S+)' } } } }, true],
  ['prompt file with {file}', { reviewers: { r: { command: ['rev', '--in', '{file}'], prompt: 'file', continuationId: { jsonPath: 'id' } } } }, true],
  ['prompt file without {file}', { reviewers: { r: { command: ['rev'], prompt: 'file', continuationId: { jsonPath: 'id' } } } }, true],
  ['jsonPath and regex together', { reviewers: { r: { command: ['rev'], verdict: { jsonPath: 'response', regex: 'VERDICT: (\\w+)' }, continuationId: { jsonPath: 'a.0.b' } } } }, true],
  ['two reviewers', { reviewers: { 'gemini-2.5-pro': FULL_REVIEWER, 'claude@work': FULL_REVIEWER } }, true],
  ['reviewers not an object', { reviewers: [] }, false],
  ['reviewer not an object', { reviewers: { r: 'gemini -p' } }, false],
  ['reviewer name with a space', { reviewers: { 'my reviewer': FULL_REVIEWER } }, false],
  ['reviewer name starting with a dash', { reviewers: { '-r': FULL_REVIEWER } }, false],
  ['reviewer name of 65 characters', { reviewers: { ['r'.repeat(65)]: FULL_REVIEWER } }, false],
  ['missing command', { reviewers: { r: { continuationId: { jsonPath: 'id' } } } }, false],
  ['command as a shell string', { reviewers: { r: { ...FULL_REVIEWER, command: 'gemini -p' } } }, false],
  ['empty command array', { reviewers: { r: { ...FULL_REVIEWER, command: [] } } }, false],
  ['empty command argument', { reviewers: { r: { ...FULL_REVIEWER, command: ['gemini', ''] } } }, false],
  ['missing continuationId', { reviewers: { r: { command: ['rev'] } } }, false],
  ['unknown prompt', { reviewers: { r: { ...FULL_REVIEWER, prompt: 'argv' } } }, false],
  ['{file} with prompt stdin', { reviewers: { r: { ...FULL_REVIEWER, prompt: 'stdin', command: ['rev', '{file}'] } } }, false],
  ['{file} with the default prompt', { reviewers: { r: { command: ['rev', '--file={file}'], continuationId: { jsonPath: 'id' } } } }, false],
  ['zero timeout', { reviewers: { r: { ...FULL_REVIEWER, timeoutSeconds: 0 } } }, false],
  ['fractional timeout', { reviewers: { r: { ...FULL_REVIEWER, timeoutSeconds: 1.5 } } }, false],
  ['unknown reviewer key', { reviewers: { r: { ...FULL_REVIEWER, shell: true } } }, false],
  ['extractor with neither', { reviewers: { r: { ...FULL_REVIEWER, verdict: {} } } }, false],
  ['extractor with an unknown key', { reviewers: { r: { ...FULL_REVIEWER, continuationId: { jsonPath: 'id', xpath: '/id' } } } }, false],
  ['extractor as a string', { reviewers: { r: { ...FULL_REVIEWER, verdict: 'VERDICT: (\\w+)' } } }, false],
  ['regex that does not compile', { reviewers: { r: { ...FULL_REVIEWER, verdict: { regex: 'VERDICT: (\\w+' } } } }, false],
  ['regex without a capture group', { reviewers: { r: { ...FULL_REVIEWER, verdict: { regex: 'VERDICT: \\w+' } } } }, false],
  ['empty regex', { reviewers: { r: { ...FULL_REVIEWER, verdict: { regex: '' } } } }, false],
  ['jsonPath with an empty part', { reviewers: { r: { ...FULL_REVIEWER, continuationId: { jsonPath: 'result..id' } } } }, false],
  ['empty jsonPath', { reviewers: { r: { ...FULL_REVIEWER, continuationId: { jsonPath: '' } } } }, false],
  ['jsonPath not a string', { reviewers: { r: { ...FULL_REVIEWER, continuationId: { jsonPath: ['id'] } } } }, false],
  ['resumeArgs without {id}', { reviewers: { r: { ...FULL_REVIEWER, resumeArgs: ['--resume'] } } }, false],
  ['empty resumeArgs', { reviewers: { r: { ...FULL_REVIEWER, resumeArgs: [] } } }, false],
  ['resumeArgs as a string', { reviewers: { r: { ...FULL_REVIEWER, resumeArgs: '--resume {id}' } } }, false],
  // Numbers a timer cannot hold, and keys that name Object.prototype members.
  ['reviewer timeout of a day', { reviewers: { r: { ...FULL_REVIEWER, timeoutSeconds: 86400 } } }, true],
  ['reviewer timeout above a day', { reviewers: { r: { ...FULL_REVIEWER, timeoutSeconds: 86401 } } }, false],
  ['reviewer timeout beyond safe integers', { reviewers: { r: { ...FULL_REVIEWER, timeoutSeconds: 1e16 } } }, false],
  ['test timeout above a day', { test: { timeoutSeconds: 3000000 } }, false],
  ['test cwd in a package', { test: { cwd: 'packages/app' } }, true],
  ['test cwd absolute', { test: { cwd: '/srv/app' } }, false],
  ['test cwd leaving the repository', { test: { cwd: 'packages/../../elsewhere' } }, false],
  ['test cwd empty', { test: { cwd: '' } }, false],
  ['minApprovals beyond safe integers', { review: { minApprovals: 1e16 } }, false],
  ['reviewer key valueOf', { reviewers: { r: { ...FULL_REVIEWER, valueOf: 1 } } }, false],
  ['reviewer key __proto__', JSON.parse('{"reviewers": {"r": {"command": ["rev"], "continuationId": {"jsonPath": "id"}, "__proto__": 1}}}'), false],
  ['top-level key hasOwnProperty', { hasOwnProperty: 1 }, false],
  ['top-level key constructor', { constructor: 1 }, false],
  ['section key toString', { review: { toString: 1 } }, false],
  ['reviewer named constructor', { reviewers: { constructor: FULL_REVIEWER } }, true],
  ['a fixer', { fixers: { claude: { command: ['claude', '-p'], env: ['ANTHROPIC_API_KEY'], cost: { jsonPath: 'total_cost_usd' } } } }, true],
  ['a fixer without command', { fixers: { claude: { env: [] } } }, false],
  ['a fixer given GITHUB_TOKEN', { fixers: { claude: { command: ['claude'], env: ['GITHUB_TOKEN'] } } }, false],
  ['a fixer with {file} on stdin', { fixers: { c: { command: ['c', '{file}'] } } }, false],
  ['a fixer with an unknown key', { fixers: { c: { command: ['c'], shell: true } } }, false],
  ['fix settings', { fix: { fixer: 'claude', trigger: '/fix', mode: 'push', maxLines: 200, maxAttempts: 2, maxPerHour: 3, maxCostUsd: 2.5, bot: { name: 'bot', email: 'bot@example.com' } } }, true],
  ['fix mode unknown', { fix: { mode: 'force-push' } }, false],
  ['fix trigger blank', { fix: { trigger: '' } }, false],
  ['fix trigger on two lines', { fix: { trigger: '@wf\nfix' } }, false],
  ['fix maxAttempts 0', { fix: { maxAttempts: 0 } }, false],
  ['fix maxCostUsd negative', { fix: { maxCostUsd: -1 } }, false],
  ['fix bot name with <', { fix: { bot: { name: 'a <b>' } } }, false],
  ['fix bot with an unknown key', { fix: { bot: { login: 'x' } } }, false],
  ['fix unknown key', { fix: { force: true } }, false],
];

describe('config: the fast-path reader agrees with the zod schema', () => {
  it.each(CONFIGS)('%s', (_name, doc, valid) => {
    expect(configVerdicts(doc)).toEqual({ zod: valid, fast: valid });
  });

  // Every field of a config that sets every field, replaced by every kind of value, removed, and
  // joined by an unknown key: wf reads configs with the hand-written reader alone, so it must give
  // the zod schema's verdict on each of these documents, not only on the table above.
  it('on every field of a full config mutated every way', () => {
    const full = () => ({
      ...structuredClone(DEFAULT_CONFIG),
      $schema: './schema.json',
      test: { command: ['npm', 'test'], timeoutSeconds: 900, cwd: 'packages/app' },
      reviewers: { gemini: { ...structuredClone(FULL_REVIEWER), env: ['GEMINI_API_KEY'] }, codex: { command: ['codex', 'exec', '{file}'], prompt: 'file', continuationId: { regex: 'session id: (\\S+)' } } },
      fixers: { claude: { command: ['claude', '-p'], prompt: 'stdin', timeoutSeconds: 1800, env: ['ANTHROPIC_API_KEY'], cost: { jsonPath: 'total_cost_usd' } } },
      fix: { ...structuredClone(DEFAULT_CONFIG.fix), fixer: 'claude', maxCostUsd: 2.5 },
    });
    const VALUES: unknown[] = [undefined, null, '', ' ', 'x', 'warn', 'strict', 'stdin', 'file', 'required', '{file}', '{id}', 'a\nb', '(', '(x)', 'a..b', 'packages/app', '/abs', '../up', 'GITHUB_TOKEN', 0, -1, 0.5, 0.95, 1, 1.5, 2, 101, 86401, 1e16, true, false, [], [''], ['x'], ['{file}'], {}, { x: 1 }, { jsonPath: 'id' }, { regex: '(x)' }];
    const mutations = function* (value: unknown, path: string[]): Generator<[string, (doc: any) => void]> {
      const parent = (doc: any) => path.slice(0, -1).reduce((node, key) => node[key], doc);
      if (path.length > 0) {
        for (const v of VALUES) {
          yield [`${path.join('.')} = ${String(JSON.stringify(v) ?? v)}`, (doc: any) => {
            // Removing an array element splices it out: a document read from JSON has no holes.
            const node = parent(doc);
            if (v !== undefined) node[path.at(-1)!] = v;
            else if (Array.isArray(node)) node.splice(Number(path.at(-1)), 1);
            else delete node[path.at(-1)!];
          }];
        }
      }
      if (typeof value === 'object' && value !== null) {
        if (!Array.isArray(value)) yield [`${path.join('.') || 'root'} + unknown key`, (doc: any) => (path.reduce((node, key) => node[key], doc).unknownKey = 1)];
        for (const [key, inner] of Object.entries(value)) yield* mutations(inner, [...path, key]);
      }
    };
    expect(configVerdicts(full())).toEqual({ zod: true, fast: true });
    const disagreements: string[] = [];
    let count = 0;
    for (const [name, mutate] of mutations(full(), [])) {
      const doc = full();
      mutate(doc);
      count++;
      const v = configVerdicts(doc);
      if (v.zod !== v.fast) disagreements.push(`${name}: zod ${v.zod ? 'accepts' : 'refuses'}, wf ${v.fast ? 'accepts' : 'refuses'}`);
    }
    expect(count).toBeGreaterThan(3000);
    expect(disagreements).toEqual([]);
  });

  it('both fill in the same reviewer defaults', () => {
    const doc = { reviewers: { r: { command: ['rev'], continuationId: { jsonPath: 'id' } } } };
    const fast = parseConfigText(JSON.stringify(doc), 'wf.config.json');
    const zod = parseConfigWithSchema(JSON.stringify(doc));
    expect(fast.reviewers).toEqual(zod.reviewers);
    expect(fast.reviewers.r).toEqual({ command: ['rev'], prompt: 'stdin', timeoutSeconds: 600, verdict: { ...REVIEWER_DEFAULTS.verdict }, continuationId: { jsonPath: 'id' } });
    expect(parseConfigText('{}', 'wf.config.json').reviewers).toEqual({});
  });

  it('both fill in the same fix defaults', () => {
    const doc = { fixers: { c: { command: ['c'] } }, fix: { mode: 'push', bot: { name: 'robot' } } };
    const fast = parseConfigText(JSON.stringify(doc), 'wf.config.json');
    const zod = parseConfigWithSchema(JSON.stringify(doc));
    expect(fast.fixers).toEqual(zod.fixers);
    expect(fast.fix).toEqual(zod.fix);
    expect(fast.fix.bot).toEqual({ name: 'robot', email: DEFAULT_CONFIG.fix.bot.email });
  });

  it('reviewer names follow the one reviewer-name pattern of task-ops.ts', () => {
    expect(REVIEWER_NAME_PATTERN.source).toBe(REVIEWER_NAME.source);
    expect(REVIEWER_NAME_PATTERN.flags).toBe(REVIEWER_NAME.flags);
  });
});

const task = newTask('T-1', 'x', null, false);
const review = (extra: Record<string, unknown> = {}) => ({
  step: 'review',
  reviewer: 'gemini',
  continuationId: '3f2b8c1e-9a4d-4e7b-8c21-5d9e0f6a7b13',
  status: 'approved',
  fingerprint: 'a'.repeat(64),
  at: '2026-11-23T10:00:00.000Z',
  ...extra,
});
const STATES: Array<[string, unknown, boolean]> = [
  ['empty', { version: 1, tasks: {} }, true],
  ['one task', { version: 1, tasks: { 'T-1': task } }, true],
  ['wrong version', { version: 2, tasks: {} }, false],
  ['tasks not an object', { version: 1, tasks: [] }, false],
  ['id differs from key', { version: 1, tasks: { 'T-2': task } }, false],
  ['tests not an array', { version: 1, tasks: { 'T-1': { ...task, tests: {} } } }, false],
  ['malformed test record', { version: 1, tasks: { 'T-1': { ...task, tests: [{ passed: 'yes' }] } } }, false],
  ['malformed review record', { version: 1, tasks: { 'T-1': { ...task, reviews: [{ reviewer: 1 }] } } }, false],
  ['review by wf review run', { version: 1, tasks: { 'T-1': { ...task, reviews: [review({ via: 'run' })] } } }, true],
  ['review typed in by hand', { version: 1, tasks: { 'T-1': { ...task, reviews: [review({ via: 'manual' })] } } }, true],
  ['review from before via existed', { version: 1, tasks: { 'T-1': { ...task, reviews: [review()] } } }, true],
  ['review with an unknown via', { version: 1, tasks: { 'T-1': { ...task, reviews: [review({ via: 'robot' })] } } }, false],
];

describe('state: the runtime check and the zod schema give the same verdict', () => {
  it.each(STATES)('%s', (_name, doc, valid) => {
    expect(findStateSchemaProblem(doc) === null).toBe(valid);
    expect(findStateProblem(doc) === null).toBe(valid);
  });

  it('a bad step name is refused by both', () => {
    const doc = { version: 1, tasks: { 'T-1': { ...task, step: 'deploy' } } };
    expect(findStateSchemaProblem(doc)).toMatch(/step/);
    expect(findStateProblem(doc)).toMatch(/^tasks\.T-1\.step must be one of/);
  });

  // Every field of a document that uses every field, replaced by every kind of value, removed, and
  // joined by an unknown key: the two validators must agree on each of the thousands of documents.
  const at = '2026-11-23T10:00:00.000Z';
  const sha = 'b'.repeat(64);
  const full = () => ({
    $schema: './schema.json',
    version: 1,
    tasks: {
      P: { ...newTask('P', 'parent', null, true), childIds: ['P.1'], weight: 2, finishedAt: at, plan: { path: 'plan.md', digest: sha, registeredAt: at }, context: { used: 10, limit: 100, at } },
      'P.1': {
        ...newTask('P.1', 'child', 'P', false),
        todos: [{ text: 'a todo', done: true, createdAt: at, doneAt: at }],
        tests: [{ fingerprint: sha, passed: true, exitCode: 0, durationMs: 12.5, command: 'npm test', at, timedOut: false }],
        reviews: [review({ notes: 'fine', auditHash: sha, files: { 'a.ts': sha }, via: 'run' })],
        commits: [{ sha: 'c'.repeat(40), fingerprint: sha, at }],
      },
    },
  });
  const VALUES: unknown[] = [undefined, null, '', 'x', 'P', 'P.1', 'A'.repeat(64), 'a'.repeat(64), 'c'.repeat(40), 'approved', 'review', 'run', 'active', 'commit', 0, -1, 0.5, 1, 1.5, 2, 1e16, Number.NaN, Number.POSITIVE_INFINITY, true, false, [], ['P.1'], {}, { x: 1 }];
  function* mutations(value: unknown, path: Array<string | number>): Generator<[string, (doc: any) => void]> {
    const set = (v: unknown) => (doc: any) => {
      let node = doc;
      for (const key of path.slice(0, -1)) node = node[key];
      if (v !== undefined) node[path.at(-1)!] = v;
      else if (Array.isArray(node)) node.splice(Number(path.at(-1)), 1);
      else delete node[path.at(-1)!];
    };
    if (path.length > 0) for (const v of VALUES) yield [`${path.join('.')} = ${String(JSON.stringify(v) ?? v)}`, set(v)];
    if (typeof value === 'object' && value !== null) {
      if (!Array.isArray(value)) {
        yield [`${path.join('.') || 'root'} + unknown key`, (doc: any) => { let node = doc; for (const key of path) node = node[key]; node.unknown = 1; }];
        yield [`${path.join('.') || 'root'} + constructor key`, (doc: any) => { let node = doc; for (const key of path) node = node[key]; node.constructor = 1; }];
      }
      for (const [key, inner] of Object.entries(value)) yield* mutations(inner, [...path, Array.isArray(value) ? Number(key) : key]);
    }
  }
  it('on every field of a full document mutated every way', () => {
    expect(findStateSchemaProblem(full())).toBeNull();
    expect(findStateProblem(full())).toBeNull();
    const disagreements: string[] = [];
    let count = 0;
    for (const [name, mutate] of mutations(full(), [])) {
      const doc = full();
      mutate(doc);
      count++;
      const zod = findStateSchemaProblem(doc) === null;
      const fast = findStateProblem(doc) === null;
      if (zod !== fast) disagreements.push(`${name}: zod ${zod ? 'accepts' : 'refuses'}, wf ${fast ? 'accepts' : 'refuses'}`);
    }
    expect(count).toBeGreaterThan(2000);
    expect(disagreements).toEqual([]);
  });

  it('task ids that name Object.prototype members are ordinary keys, not tasks that exist', () => {
    for (const id of ['constructor', 'toString', '__proto__']) {
      const orphan = JSON.parse(JSON.stringify({ version: 1, tasks: { 'T-1': { ...task, parentId: id } } }));
      expect([findStateSchemaProblem(orphan) === null, findStateProblem(orphan) === null], id).toEqual([false, false]);
    }
    const named = { version: 1, tasks: { constructor: { ...task, id: 'constructor' } } };
    expect([findStateSchemaProblem(named), findStateProblem(named)]).toEqual([null, null]);
    const proto = JSON.parse(`{"version": 1, "tasks": {}, "__proto__": {"x": 1}}`);
    expect([findStateSchemaProblem(proto) === null, findStateProblem(proto) === null]).toEqual([false, false]);
  });
});
