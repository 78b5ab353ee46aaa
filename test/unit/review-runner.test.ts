import { describe, expect, it } from 'vitest';
import { REVIEWER_DEFAULTS } from '../../src/config/reader.js';
import { continuationIdProblem, extractValue, jsonValueAt, normalizeVerdict, readReviewerAnswer, reviewText, valueAtPath, verdictTextFrom } from '../../src/review/answer.js';
import { buildReviewPacket } from '../../src/review/packet.js';
import { allCaptures, REGEX_TIME_LIMIT_MS, RegexTimeLimitError } from '../../src/review/regex-sandbox.js';
import { reviewerArgv, tailLines } from '../../src/review/spawn.js';

const ID = '3f2b8c1e-9a4d-4e7b-8c21-5d9e0f6a7b13';

describe('normalizeVerdict', () => {
  it.each([
    ['APPROVED', 'approved'],
    ['approved', 'approved'],
    ['Approve', 'approved'],
    ['  APPROVED\n', 'approved'],
    ['NEEDS_REVISION', 'needs-revision'],
    ['needs-revision', 'needs-revision'],
    ['Request_Changes', 'needs-revision'],
    ['CHANGES_REQUESTED', 'needs-revision'],
    ['LGTM', null],
    ['APPROVED!', null],
    ['NOT APPROVED', null],
    ['REJECTED', null],
    ['', null],
    ['constructor', null],
    ['__proto__', null],
  ])('%j → %s', (word, expected) => {
    expect(normalizeVerdict(word)).toBe(expected);
  });
});

describe('valueAtPath and jsonValueAt', () => {
  it('follows dotted paths through objects and arrays, own properties only', () => {
    const doc = { result: { verdict: 'APPROVED', items: [{ id: 'a' }, { id: 'b' }] } };
    expect(valueAtPath(doc, 'result.verdict')).toBe('APPROVED');
    expect(valueAtPath(doc, 'result.items.1.id')).toBe('b');
    expect(valueAtPath(doc, 'result.items.x')).toBeUndefined();
    expect(valueAtPath(doc, 'result.missing.deeper')).toBeUndefined();
    expect(valueAtPath(doc, 'constructor')).toBeUndefined();
    expect(valueAtPath(doc, 'result.verdict.length')).toBeUndefined();
  });

  it('reads one JSON document, pretty-printed or not', () => {
    expect(jsonValueAt('{"session_id": "abc"}\n', 'session_id')).toBe('abc');
    expect(jsonValueAt('{\n  "a": {\n    "b": 1\n  }\n}\n', 'a.b')).toBe(1);
  });

  it('reads JSON Lines from the end: the last line that parses and has the path', () => {
    const out = ['{"type":"init","session_id":"s-1"}', 'plain progress text', '{"type":"result","result":"ok"}', '{"type":"result","result":"final"}', 'trailing noise', ''].join('\n');
    expect(jsonValueAt(out, 'result')).toBe('final');
    expect(jsonValueAt(out, 'session_id')).toBe('s-1');
    expect(jsonValueAt(out, 'nothing')).toBeUndefined();
    expect(jsonValueAt('no json here', 'a')).toBeUndefined();
  });
});

describe('extractValue', () => {
  it('regex alone: the first capture group of the last match', () => {
    const out = 'I was asked to end with VERDICT: APPROVED or VERDICT: NEEDS_REVISION.\nFindings…\nVERDICT: NEEDS_REVISION\n';
    expect(extractValue(out, { regex: 'VERDICT:\\s*([A-Z_]+)' })).toBe('NEEDS_REVISION');
    expect(extractValue('nothing', { regex: 'VERDICT:\\s*(\\w+)' })).toBeNull();
  });

  it('the first group that took part in the match, for alternations', () => {
    expect(extractValue('session: s1\nthread=t2', { regex: 'session: (\\S+)|thread=(\\S+)' })).toBe('t2');
  });

  it('jsonPath alone: the string (or number) at the path', () => {
    expect(extractValue('{"verdict":"approved","n":42,"o":{}}', { jsonPath: 'verdict' })).toBe('approved');
    expect(extractValue('{"n":42}', { jsonPath: 'n' })).toBe('42');
    expect(extractValue('{"o":{}}', { jsonPath: 'o' })).toBeNull();
    expect(extractValue('{"b":true}', { jsonPath: 'b' })).toBeNull();
    expect(extractValue('not json', { jsonPath: 'verdict' })).toBeNull();
  });

  it('jsonPath and regex: the regex applied to the text at the path', () => {
    const out = JSON.stringify({ response: 'Looks fine.\nVERDICT: APPROVED', stats: { note: 'VERDICT: NEEDS_REVISION' } });
    expect(extractValue(out, { jsonPath: 'response', regex: 'VERDICT:\\s*(\\w+)' })).toBe('APPROVED');
  });

  it('the default verdict regex reads the line the packet asks for', () => {
    expect(extractValue('review…\nVERDICT: NEEDS-REVISION\n', REVIEWER_DEFAULTS.verdict)).toBe('NEEDS-REVISION');
  });
});

describe('verdictTextFrom with the default regex: a VERDICT line of its own, the last one wins', () => {
  const verdictOf = (review: string) => verdictTextFrom(JSON.stringify({ session_id: ID, response: review }), REVIEWER_DEFAULTS.verdict);
  it.each([
    ['the plain line', 'Looks right.\nVERDICT: APPROVED', 'APPROVED'],
    ['markdown emphasis and a full stop', 'Looks right.\n\n**VERDICT: APPROVED**.', 'APPROVED'],
    ['a heading', 'Findings…\n### VERDICT: NEEDS_REVISION', 'NEEDS_REVISION'],
    ['trailing text after the line', 'VERDICT: NEEDS_REVISION\n\n(3 findings above)', 'NEEDS_REVISION'],
    // The reviewer of this very feature found this one: the last mention approved a change that was sent back.
    ['an approval promised in a sentence after the verdict', 'VERDICT: NEEDS_REVISION\n\nOnce that is fixed I would expect to give VERDICT: APPROVED', 'NEEDS_REVISION'],
    ['the instructions quoted, then the answer', 'You asked for VERDICT: APPROVED or\nVERDICT: APPROVED\nVERDICT: NEEDS_REVISION\nMy answer:\nVERDICT: NEEDS_REVISION', 'NEEDS_REVISION'],
    ['only a mention in a sentence', 'I cannot give VERDICT: APPROVED yet.', null],
    ['nothing', 'Seems fine.', null],
  ])('%s', (_name, review, expected) => {
    expect(verdictOf(review)).toBe(expected);
  });

  it('plain (non-JSON) output is read line by line too', () => {
    expect(verdictTextFrom('Review\nVERDICT: APPROVED\ntokens used: 1234\n', REVIEWER_DEFAULTS.verdict)).toBe('APPROVED');
    expect(verdictTextFrom('no, VERDICT: APPROVED is not earned\n', REVIEWER_DEFAULTS.verdict)).toBeNull();
  });
});

describe('config regexes run under a time limit', () => {
  it('a catastrophically backtracking regex stops with RegexTimeLimitError instead of hanging wf', () => {
    const started = performance.now();
    expect(() => allCaptures(`VERDICT: ${'a'.repeat(40)}!`, 'VERDICT:\\s*((?:\\w+\\s?)+)$')).toThrow(RegexTimeLimitError);
    expect(performance.now() - started).toBeLessThan(REGEX_TIME_LIMIT_MS * 5);
  });

  it('an ordinary regex returns every first participating group', () => {
    expect(allCaptures('id: a\nid: b\nx=c', 'id: (\\w)|x=(\\w)')).toEqual(['a', 'b', 'c']);
  });
});

describe('readReviewerAnswer', () => {
  const config = { verdict: { regex: 'VERDICT:\\s*(\\w+)' }, continuationId: { jsonPath: 'session_id' } };

  it('reads a verdict and a real session id', () => {
    const out = JSON.stringify({ session_id: ID, response: 'ok\nVERDICT: APPROVED' });
    expect(readReviewerAnswer(out, config)).toEqual({ verdict: 'approved', verdictText: 'APPROVED', continuationId: ID, continuationIdProblem: null });
  });

  it('no verdict when the word is not one, and says what stood there', () => {
    const answer = readReviewerAnswer(JSON.stringify({ session_id: ID, response: 'VERDICT: MAYBE' }), config);
    expect(answer.verdict).toBeNull();
    expect(answer.verdictText).toBe('MAYBE');
  });

  it.each([
    ['a missing id', JSON.stringify({ response: 'VERDICT: APPROVED' }), 'printed no continuation id'],
    ['an empty id', JSON.stringify({ session_id: '  ', response: 'VERDICT: APPROVED' }), 'printed no continuation id'],
    ['a placeholder id', JSON.stringify({ session_id: 'test-123', response: 'VERDICT: APPROVED' }), 'placeholder'],
    ['the nil UUID', JSON.stringify({ session_id: '00000000-0000-0000-0000-000000000000', response: 'VERDICT: APPROVED' }), 'placeholder'],
    ['an id with a space', JSON.stringify({ session_id: 'abc123XYZ def456', response: 'VERDICT: APPROVED' }), 'whitespace'],
  ])('no continuation id for %s', (_name, out, problem) => {
    const answer = readReviewerAnswer(out, config);
    expect(answer.continuationId).toBeNull();
    expect(answer.continuationIdProblem).toContain(problem);
  });
});

describe('reviewText: the notes are the review, not its JSON wrapping', () => {
  const regex = { regex: 'VERDICT:\\s*(\\w+)' };

  it('the string at the verdict jsonPath', () => {
    expect(reviewText('{"result":"Fine.\\nVERDICT: APPROVED","id":"x"}', { jsonPath: 'result' })).toBe('Fine.\nVERDICT: APPROVED');
  });

  it('the JSON string that holds the verdict, in one document or JSON Lines', () => {
    expect(reviewText(JSON.stringify({ session_id: ID, response: 'a.txt: bad\nVERDICT: NEEDS_REVISION' }), regex)).toBe('a.txt: bad\nVERDICT: NEEDS_REVISION');
    const lines = [JSON.stringify({ type: 'init', id: ID }), JSON.stringify({ type: 'message', content: [{ text: 'Good.\nVERDICT: APPROVED' }] })].join('\n');
    expect(reviewText(lines, regex)).toBe('Good.\nVERDICT: APPROVED');
  });

  it('plain stdout when it is not JSON or no string holds the verdict', () => {
    expect(reviewText('Fine.\nVERDICT: APPROVED\n', regex)).toBe('Fine.\nVERDICT: APPROVED\n');
    expect(reviewText('{"a":"b"}', regex)).toBe('{"a":"b"}');
  });
});

describe('continuationIdProblem', () => {
  it('accepts real ids and refuses what cannot be a Review-Id trailer', () => {
    expect(continuationIdProblem(ID)).toBeNull();
    expect(continuationIdProblem('thread_01J9ZK3V6QW8E2R4')).toBeNull();
    expect(continuationIdProblem('x'.repeat(300))).toContain('longer than 256');
    expect(continuationIdProblem('abc\u0007defghij')).toContain('control');
    expect(continuationIdProblem('--dangerously-skip-permissions')).toContain('starts with "-"');
  });
});

describe('reviewerArgv', () => {
  const base = { command: ['gemini', '-p', 'Review this'], prompt: 'stdin' as const, resumeArgs: ['--resume', '{id}'] };

  it('stdin: the command as configured', () => {
    expect(reviewerArgv(base)).toEqual(['gemini', '-p', 'Review this']);
  });

  it('resume: resumeArgs appended with {id} replaced, even inside an argument', () => {
    expect(reviewerArgv(base, { resumeId: ID })).toEqual(['gemini', '-p', 'Review this', '--resume', ID]);
    expect(reviewerArgv({ ...base, resumeArgs: ['--session={id}'] }, { resumeId: 'a$&b' })).toEqual(['gemini', '-p', 'Review this', '--session=a$&b']);
  });

  it('file: {file} replaced where it stands, else the path appended last', () => {
    const file = '/tmp/wf-review-x/review-packet.md';
    expect(reviewerArgv({ command: ['rev', '--in', '{file}', '--json'], prompt: 'file' }, { file })).toEqual(['rev', '--in', file, '--json']);
    expect(reviewerArgv({ command: ['rev', '--in={file}'], prompt: 'file' }, { file })).toEqual(['rev', `--in=${file}`]);
    expect(reviewerArgv({ command: ['rev'], prompt: 'file', resumeArgs: ['-r', '{id}'] }, { file, resumeId: ID })).toEqual(['rev', '-r', ID, file]);
  });
});

describe('tailLines', () => {
  it('keeps the last lines, capped in characters, without trailing blank lines', () => {
    const text = `${Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n')}\n\n\n`;
    const tail = tailLines(text, 20);
    expect(tail.split('\n')).toHaveLength(20);
    expect(tail.startsWith('line 11\n')).toBe(true);
    expect(tail.endsWith('line 30')).toBe(true);
    expect(tailLines('x'.repeat(5000), 20, 100)).toBe(`…${'x'.repeat(100)}`);
    expect(tailLines('')).toBe('');
  });
});

describe('buildReviewPacket', () => {
  const input = {
    taskId: 'T-1',
    title: 'Rate-limit the login endpoint',
    step: 'review' as const,
    fingerprint: 'a'.repeat(64),
    plan: { path: '.claude/subtasks/T-1/plan.md', text: '# Plan\nLimit logins to 5 a minute.\n' },
    diff: 'diff --git a/x.md b/x.md\n+```js\n+code\n+```\n',
    previous: { step: 'review' as const, reviewer: 'gemini', continuationId: ID, status: 'needs-revision' as const, fingerprint: 'b'.repeat(64), at: '2025-01-01T00:00:00.000Z', notes: 'x.md: missing test' },
  };

  it('holds the task, the fingerprint, the plan, the diff, the previous findings and the verdict instructions', () => {
    const packet = buildReviewPacket(input);
    expect(packet).toContain('Task: T-1 — Rate-limit the login endpoint');
    expect(packet).toContain(`Fingerprint: ${'a'.repeat(64)}`);
    expect(packet).toContain('Limit logins to 5 a minute.');
    expect(packet).toContain('+code');
    expect(packet).toContain('x.md: missing test');
    expect(packet.trimEnd().endsWith('VERDICT: APPROVED\nVERDICT: NEEDS_REVISION')).toBe(true);
  });

  it('fences the diff with more backticks than it contains', () => {
    expect(buildReviewPacket(input)).toContain('````diff\ndiff --git');
  });

  it('a plan review has no diff section', () => {
    const packet = buildReviewPacket({ ...input, step: 'plan-review', diff: null, previous: null });
    expect(packet).toContain('Step: plan-review');
    expect(packet).not.toContain('staged diff');
    expect(packet).not.toContain('previous');
  });
});
