import { describe, expect, it } from 'vitest';
import { isPlaceholderId, PLACEHOLDER_WORDS, placeholderReason } from '../../src/session-id/index.js';

/** [id, a fragment the reason must contain] */
const REFUSED: Array<[string, string]> = [
  // empty and short
  ['', 'is empty'],
  [' ', 'is empty'],
  ['\t\n', 'is empty'],
  ['abc', 'shorter than 8'],
  ['short1', 'shorter than 8'],
  ['1234567', 'consecutive digits'],
  ['k9m2x7', 'shorter than 8'],
  // template markers
  ['<id>', 'template marker <id>'],
  ['<continuation-id>', 'template marker <continuation-id>'],
  ['{id}', 'template marker {id}'],
  ['{{id}}', 'template marker {{id}}'],
  ['{{ session_id }}', 'template marker {{ session_id }}'],
  ['${ID}', 'template marker ${ID}'],
  ['$SESSION_ID', 'template marker $SESSION_ID'],
  ['session-%s', 'template marker %s'],
  ['id-%d-0000', 'template marker %d'],
  ['[continuation id]', 'template marker [continuation id]'],
  ['ses_01J9ZK3V…', 'truncated'],
  ['ses_01J9ZK3V...', 'truncated'],
  ['ses_****9f2c41b8', 'masked'],
  // placeholder words, alone or as the body
  ['test', 'placeholder word "test"'],
  ['TEST', 'placeholder word "test"'],
  ['  fake  ', 'placeholder word "fake"'],
  ['placeholder', 'placeholder word "placeholder"'],
  ['undefined', 'placeholder word "undefined"'],
  ['changeme', 'placeholder word "changeme"'],
  ['deadbeef', 'placeholder word "deadbeef"'],
  ['test-123', '"test"'],
  ['TEST_ID_0001', '"test"'],
  ['testing-session', '"testing"'],
  ['session-test', '"test"'],
  ['sessionTest', '"test"'],
  ['fake_id', '"fake"'],
  ['fake-session-42', '"fake"'],
  ['fakeSessionId', '"fake"'],
  ['placeholder-session', '"placeholder"'],
  ['dummy1234', '"dummy"'],
  ['dummy-reviewer-id', '"dummy"'],
  ['example-id-1', '"example"'],
  ['sample_session_9', '"sample"'],
  ['todo-later', '"todo"'],
  ['tbd-tbd-tbd', '"tbd"'],
  ['none-none', '"none"'],
  ['null-session', '"null"'],
  ['session_undefined', '"undefined"'],
  ['unknown-id', '"unknown"'],
  ['foo-bar-baz', '"foo"'],
  ['fooBarBaz', '"foo"'],
  ['foobar123', '"foo"'],
  ['lorem-ipsum', '"lorem"'],
  ['CHANGE_ME', '"changeme"'],
  ['change_me_please', '"changeme"'],
  ['place-holder-0042', '"placeholder"'],
  ['mock-thread-1', '"mock"'],
  ['stub_session', '"stub"'],
  ['thread_xxxx', '"xxx"'],
  ['3f2b8c1e-test-4e7b-8c21-5d9e0f6a7b13', '"test"'],
  // only generic words, or a label and a counter
  ['continuation-id', 'only generic words'],
  ['your-id-here', 'only generic words'],
  ['insert-id-here', 'only generic words'],
  ['yourSessionIdHere', 'only generic words'],
  ['__SESSION_ID__', 'only generic words'],
  ['session-0001', 'zero-padded'],
  ['thread_00000001', 'zero-padded'],
  ['0000000000000042', 'zero-padded'],
  ['ses_k9m2x', 'has only 5 characters'],
  // repeated characters
  ['aaaaaaaa', 'one character repeated'],
  ['00000000', 'one character repeated'],
  ['--------', 'one character repeated'],
  ['xxxxxxxx', 'placeholder word "xxx"'],
  ['XXXX-XXXX', '"xxx"'],
  ['ses_aaaaaaaaaaaa', 'one character repeated'],
  // runs
  ['12345678', 'consecutive digits'],
  ['123456789', 'consecutive digits'],
  ['0123456789', 'consecutive digits'],
  ['1234567890', 'consecutive digits'],
  ['87654321', 'consecutive digits'],
  ['id-12345678', 'consecutive digits'],
  ['ses_98765432', 'consecutive digits'],
  ['abcdefgh', 'consecutive letters'],
  ['zyxwvuts', 'consecutive letters'],
  ['abc12345', 'consecutive letters and digits'],
  ['abcdef123', 'consecutive letters and digits'],
  ['abcdef123456', 'consecutive letters and digits'],
  ['a1b2c3d4', 'consecutive letters and digits'],
  ['0123456789abcdef', 'consecutive letters and digits'],
  ['x1234567', 'consecutive letters and digits'],
  // low variety and patterns
  ['abababab', 'repeats the pattern "ab"'],
  ['ab12ab12ab12', 'repeats the pattern "ab12"'],
  ['0000000000000001', 'zero-padded'],
  ['1000000000000001', 'uses only 2 different characters'],
  ['12345678-1234-1234-1234-123456789012', 'runs of consecutive or repeated'],
  // UUIDs
  ['00000000-0000-0000-0000-000000000000', 'is the nil UUID'],
  ['00000000-0000-0000-0000-000000000000'.toUpperCase(), 'is the nil UUID'],
  ['11111111-1111-1111-1111-111111111111', 'UUID of one repeated hex digit'],
  ['FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', 'UUID of one repeated hex digit'],
  ['aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', 'UUID of one repeated hex digit'],
  // made of words, whatever the words: a reviewer name and an iteration label, a status word, a counter
  ['gemini-iteration-2', 'not machine-made'],
  ['claude-review-round-3', 'not machine-made'],
  ['gemini-iter-3b', 'not machine-made'],
  ['approved', 'not machine-made'],
  ['status-ok-now', 'not machine-made'],
  ['reviewer-pass-2-final', 'not machine-made'],
  ['alice-second-look', 'not machine-made'],
  ['review-complete-2024', 'not machine-made'],
  ['final-approval-1', 'not machine-made'],
  ['session-one-two-three', 'not machine-made'],
  ['iteration2', 'not machine-made'],
  ['round-two-approved', 'not machine-made'],
  ['manual-check-5', 'not machine-made'],
  ['gemini:looks-good', 'not machine-made'],
  ['codex-run-20240501', 'not machine-made'],
];

const ACCEPTED: string[] = [
  // UUIDs v4 / v7, any case, braced
  '3f2b8c1e-9a4d-4e7b-8c21-5d9e0f6a7b13',
  '0190c7a2-5b3e-7f41-9c2d-8e6f1a4b3c5d',
  '01890a5d-ac96-774b-bcce-b302099a8057',
  'F47AC10B-58CC-4372-A567-0E02B2C3D479',
  '{3F2B8C1E-9A4D-4E7B-8C21-5D9E0F6A7B13}',
  'urn:uuid:3f2b8c1e-9a4d-4e7b-8c21-5d9e0f6a7b13',
  // ULIDs, including ones with dictionary words by chance
  '01HZX3K9Q7V8M2N4P6R8T0W2Y4',
  '01J9ZK3V6QW8E2R4T6Y8U0I2O4',
  '01HZXBAR9Q7V8M2N4P6R8T0W2Y',
  '01HZX3BAR9Q7V8M2N4P6R8T0WY',
  '01HZXTEST3K9Q7V8M2N4P6R8T0',
  // hex
  'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  '9e107d9d372bb6826bd81d3542a419d6',
  'b8f3c1d2e4a5',
  '3f2b8c1e',
  '6e4d3c2b1a0f9e8d7c6b5a49',
  // prefixed ids
  'ses_01J9ZK3V6QW8E2R4T6Y8U0I2O4',
  'ses_fd536d86e13d4a7bbe88a7d537b2d924',
  'thread_abc123XYZ789def456',
  'thread_foo9Kx2Lm8Qp4Zr7Vt',
  'sess-7f3a9c2e41b8',
  'resp_68a1f0c2e4b9d7a3',
  'chatcmpl-9xYzQ2wE8rT4uI6oP0aS',
  'msg_01XFDUDYJgAACzvnptvVoYEL',
  'run_Kq2w9Xz7Lm4Np8Rt',
  'conv-5f9c2b7e-1d3a-4e8f',
  'gemini-9b7c3e2f1a04',
  'codex_2c9e7f1b3d5a',
  'claude-session-7d9f2a41c3e8b605',
  // base62 / base64url / numeric
  'kX9mQ2pL7vR4tW8z',
  'a8Kd92mZx0Qp',
  'Zm9vYmFyYmF6cXV4cXV1eA',
  'Zk3_qP9-xL2mW8vR4tN6yB1c',
  'q3Zx9LmK2pR8tV4wY6bN1cF0==',
  'a1b2c3d4e5f6a7b8',
  '1718203040.123456',
  '1718203040123456789',
];

describe('placeholderReason refuses made-up ids', () => {
  it.each(REFUSED)('refuses %j', (id, fragment) => {
    const reason = placeholderReason(id);
    expect(reason).toEqual(expect.any(String));
    expect(reason).toContain(fragment);
    expect(isPlaceholderId(id)).toBe(true);
  });
});

describe('placeholderReason accepts real ids', () => {
  it.each(ACCEPTED)('accepts %j', (id) => {
    expect(placeholderReason(id)).toBeNull();
    expect(isPlaceholderId(id)).toBe(false);
  });

  it('accepts real ids with surrounding whitespace', () => {
    expect(placeholderReason('  3f2b8c1e-9a4d-4e7b-8c21-5d9e0f6a7b13\n')).toBeNull();
  });
});

describe('placeholder id table', () => {
  it('has at least 40 refused and 25 accepted cases', () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(40);
    expect(ACCEPTED.length).toBeGreaterThanOrEqual(25);
  });

  it('exports the word list, lowercase and without duplicates', () => {
    expect(PLACEHOLDER_WORDS).toContain('test');
    expect(PLACEHOLDER_WORDS).toContain('changeme');
    for (const word of PLACEHOLDER_WORDS) expect(word).toBe(word.toLowerCase());
    expect(new Set(PLACEHOLDER_WORDS).size).toBe(PLACEHOLDER_WORDS.length);
  });

  it('refuses every listed word alone', () => {
    for (const word of PLACEHOLDER_WORDS) expect(placeholderReason(word), word).toBe(`is the placeholder word "${word}"`);
  });

  it('stays quick on a very long id', () => {
    expect(placeholderReason('aB3x9'.repeat(20_000))).toContain('repeats the pattern');
    expect(placeholderReason('k'.repeat(100_000) + 'q')).toEqual(expect.any(String));
  });
});
