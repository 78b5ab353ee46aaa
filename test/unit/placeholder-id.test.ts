import { describe, expect, it } from 'vitest';
import { isPlaceholderId, placeholderReason } from '../../src/core/placeholder-id.js';

const REFUSED = [
  '', ' ', '\t\n', 'abc', 'short1', '1234567',
  '<id>', '<continuation-id>', '{id}', '{{id}}', '${ID}', '$SESSION_ID', 'session-%s', 'id-%d-0000',
  'test', 'test-123', 'TEST_ID_0001', 'testing-session', 'session-test', 'fake_id', 'fake-session-42', 'fakeSessionId',
  'placeholder', 'placeholder-session', 'dummy1234', 'dummy-reviewer-id', 'example-id-1', 'sample_session_9', 'todo-later',
  'tbd-tbd-tbd', 'xxxxxxxx', 'XXXX-XXXX', 'none-none', 'null-session', 'undefined', 'unknown-id', 'foo-bar-baz', 'foobar123',
  'lorem-ipsum', 'changeme', 'mock-thread-1', 'stub_session',
  'aaaaaaaa', '00000000', '--------', '11111111-1111-1111-1111-111111111111',
  '12345678', '123456789', '0123456789', '87654321', 'abcdefgh', 'abcdef123',
  '00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000'.toUpperCase(),
  'session-0001', 'continuation-id', 'your-id-here', 'insert-id-here', 'thread_00000001', 'abababab',
];

const ACCEPTED = [
  '3f2b8c1e-9a4d-4e7b-8c21-5d9e0f6a7b13',
  '0190c7a2-5b3e-7f41-9c2d-8e6f1a4b3c5d',
  'F47AC10B-58CC-4372-A567-0E02B2C3D479',
  '01HZX3K9Q7V8M2N4P6R8T0W2Y4',
  '01J9ZK3V6QW8E2R4T6Y8U0I2O4',
  'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  '9e107d9d372bb6826bd81d3542a419d6',
  'ses_01J9ZK3V6QW8E2R4T6Y8U0I2O4',
  'thread_abc123XYZ789def456',
  'sess-7f3a9c2e41b8',
  'resp_68a1f0c2e4b9d7a3',
  'chatcmpl-9xYzQ2wE8rT4uI6oP0aS',
  'msg_01XFDUDYJgAACzvnptvVoYEL',
  'run_Kq2w9Xz7Lm4Np8Rt',
  'conv-5f9c2b7e-1d3a-4e8f',
  'b8f3c1d2e4a5',
  'kX9mQ2pL7vR4tW8z',
  'Zm9vYmFyYmF6cXV4cXV1eA',
  'a1b2c3d4e5f6a7b8',
  '6e4d3c2b1a0f9e8d7c6b5a49',
  'gemini-9b7c3e2f1a04',
  'codex_2c9e7f1b3d5a',
  '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  'ses_fd536d86e13d4a7bbe88a7d537b2d924',
  '01HZXBAR9Q7V8M2N4P6R8T0W2Y',
];

describe('placeholder continuation ids', () => {
  it.each(REFUSED)('refuses %j', (id) => {
    expect(isPlaceholderId(id)).toBe(true);
    expect(placeholderReason(id)).toEqual(expect.any(String));
  });

  it.each(ACCEPTED)('accepts %j', (id) => {
    expect(placeholderReason(id)).toBeNull();
  });

  it('has at least 40 refused and 25 accepted cases', () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(40);
    expect(ACCEPTED.length).toBeGreaterThanOrEqual(25);
  });

  it('says why', () => {
    expect(placeholderReason('')).toBe('is empty');
    expect(placeholderReason('abc')).toBe('is shorter than 8 characters');
    expect(placeholderReason('<session>')).toContain('template marker');
    expect(placeholderReason('00000000-0000-0000-0000-000000000000')).toBe('is the nil UUID');
    expect(placeholderReason('test-123')).toContain('"test"');
  });
});
