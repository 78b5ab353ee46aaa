import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readReviewerAnswer, reviewText } from '../../src/review/answer.js';
import { REVIEWER_PRESET_NAMES, REVIEWER_PRESETS, reviewersFromPresets } from '../../src/review/presets.js';
import { reviewerArgv } from '../../src/review/spawn.js';
import { configVerdicts } from '../../src/config/schema.js';
import { parseConfigText } from '../../src/config/reader.js';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/reviewers/${path}`, import.meta.url), 'utf8');

/** Each preset against the outputs its CLI documents, read by the same code wf review run uses. */
const RECORDED = [
  { preset: 'claude', file: 'claude/approved.json', verdict: 'approved', id: '5f0c2a3e-8b1d-4c7a-9e26-1d4b7f3a9c58' },
  // "I would give VERDICT: APPROVED" inside a sentence is no verdict; the VERDICT line is.
  { preset: 'claude', file: 'claude/needs-revision.json', verdict: 'needs-revision', id: '5f0c2a3e-8b1d-4c7a-9e26-1d4b7f3a9c58' },
  { preset: 'codex', file: 'codex/approved.jsonl', verdict: 'approved', id: '0199a213-81c0-7800-8aa1-bbab2a035a53' },
  // The reasoning item quotes both verdict words; only the final agent_message counts.
  { preset: 'codex', file: 'codex/needs-revision.jsonl', verdict: 'needs-revision', id: '0199a213-81c0-7800-8aa1-bbab2a035a53' },
  { preset: 'gemini', file: 'gemini/approved.json', verdict: 'approved', id: 'a1b2c3d4-e5f6-4890-abcd-ef1234567890' },
  { preset: 'gemini', file: 'gemini/needs-revision.json', verdict: 'needs-revision', id: 'a1b2c3d4-e5f6-4890-abcd-ef1234567890' },
] as const;

describe('reviewer presets read their CLI\'s recorded output', () => {
  it.each(RECORDED)('$preset: $file gives $verdict with session $id', ({ preset, file, verdict, id }) => {
    const answer = readReviewerAnswer(fixture(file), REVIEWER_PRESETS[preset].reviewer);
    expect(answer).toMatchObject({ verdict, continuationId: id, continuationIdProblem: null });
  });

  it('the notes are the answer text, not the JSON around it', () => {
    expect(reviewText(fixture('codex/needs-revision.jsonl'), REVIEWER_PRESETS.codex.reviewer.verdict)).toBe('src/app.txt: the greeting lacks punctuation.\n\nVERDICT: NEEDS_REVISION');
    expect(reviewText(fixture('claude/approved.json'), REVIEWER_PRESETS.claude.reviewer.verdict)).toMatch(/^The change does what the plan says/);
  });

  it('a Gemini CLI that prints no session_id gets nothing recorded, whatever its verdict', () => {
    const answer = readReviewerAnswer(fixture('gemini/no-session-id.json'), REVIEWER_PRESETS.gemini.reviewer);
    expect(answer.verdict).toBe('approved');
    expect(answer.continuationId).toBeNull();
    expect(answer.continuationIdProblem).toBe('printed no continuation id');
  });
});

describe('reviewer presets are valid, read-only reviewers', () => {
  it('every preset passes both config validators, alone and all together', () => {
    for (const name of REVIEWER_PRESET_NAMES) expect(configVerdicts({ reviewers: reviewersFromPresets([name]) })).toEqual({ zod: true, fast: true });
    expect(configVerdicts({ reviewers: reviewersFromPresets([...REVIEWER_PRESET_NAMES]) })).toEqual({ zod: true, fast: true });
  });

  it('each keeps its CLI from editing: the CLI\'s own read-only switch is in the command', () => {
    expect(REVIEWER_PRESETS.claude.reviewer.command.join(' ')).toContain('--permission-mode plan --disallowedTools Bash,Edit,Write,NotebookEdit');
    expect(REVIEWER_PRESETS.codex.reviewer.command.join(' ')).toContain('--sandbox read-only');
    // -c too: codex exec resume has been reported to drop --sandbox (openai/codex#40149); and no AGENTS.md from the change.
    expect(REVIEWER_PRESETS.codex.reviewer.command.join(' ')).toContain('-c sandbox_mode="read-only" -c project_doc_max_bytes=0');
    expect(REVIEWER_PRESETS.gemini.reviewer.command.join(' ')).toContain('--approval-mode default');
    for (const name of REVIEWER_PRESET_NAMES) {
      const args = REVIEWER_PRESETS[name].reviewer.command;
      expect(args.some((a) => /yolo|bypassPermissions|danger-full-access|skip-trust|acceptEdits|auto_edit/.test(a))).toBe(false);
    }
  });

  it('resuming puts the id where each CLI takes it', () => {
    const argv = (name: 'claude' | 'codex' | 'gemini') => reviewerArgv(REVIEWER_PRESETS[name].reviewer, { resumeId: 'S-1' }).join(' ');
    expect(argv('claude')).toMatch(/^claude -p .* --resume S-1$/);
    expect(argv('codex')).toBe('codex exec --json --sandbox read-only -c sandbox_mode="read-only" -c project_doc_max_bytes=0 resume S-1 -');
    expect(argv('gemini')).toMatch(/^gemini .* -p .+ --resume S-1$/);
  });

  it('every preset names the documentation and the version it was taken from', () => {
    for (const name of REVIEWER_PRESET_NAMES) {
      expect(REVIEWER_PRESETS[name].docs.length).toBeGreaterThan(0);
      for (const url of REVIEWER_PRESETS[name].docs) expect(url).toMatch(/^https:\/\//);
      expect(REVIEWER_PRESETS[name].checkedWith).toMatch(/\d+\.\d+\.\d+/);
    }
  });
});

describe('the README shows the presets as they are', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('its written-out example is the codex preset', () => {
    const block = /```json\n("reviewers": \{\n  "codex"[\s\S]*?)\n```/.exec(readme);
    expect(block, 'README has the codex example').not.toBeNull();
    const example = parseConfigText(`{${block![1]}}`, 'README.md');
    expect(example.reviewers).toEqual(reviewersFromPresets(['codex']));
  });

  it('its table has each preset\'s command', () => {
    for (const name of REVIEWER_PRESET_NAMES) {
      const args = REVIEWER_PRESETS[name].reviewer.command;
      const shown = args.slice(0, args.indexOf('-p') > 0 && name === 'gemini' ? args.indexOf('-p') + 1 : args.length).join(' ');
      expect(readme).toContain(`\`${shown}`);
    }
  });
});
