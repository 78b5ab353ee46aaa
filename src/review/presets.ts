import { REVIEWER_DEFAULTS, type ReviewerConfig } from '../config/index.js';

/**
 * Ready-made `reviewers` entries for the agent CLIs people already have:
 * Claude Code, Codex and Gemini CLI, each in its documented non-interactive
 * JSON mode, with its session id as the continuation id and its own resume
 * flag. `wf init --reviewer <name>` writes them, `wf review run`'s hint and
 * the README show them, so there is one place that says how each CLI is run.
 *
 * Each one keeps the CLI from editing the code it reviews where the CLI has a
 * switch for it: a reviewer that edits the staged change gets nothing
 * recorded (the change moved), and one that edits something else was never
 * asked to.
 */

export const REVIEWER_PRESET_NAMES = ['claude', 'codex', 'gemini'] as const;
export type ReviewerPresetName = (typeof REVIEWER_PRESET_NAMES)[number];

export interface ReviewerPreset {
  name: ReviewerPresetName;
  /** The CLI's own name, for menus. */
  title: string;
  /** One line: how it is run and what keeps it read-only. */
  description: string;
  /** Where the flags and the output shape were taken from. */
  docs: readonly string[];
  /** The CLI version whose --help and output the preset was checked against. */
  checkedWith: string;
  reviewer: ReviewerConfig;
}

/** The VERDICT line the packet asks for, read from the CLI's answer text rather than from the raw JSON. */
const VERDICT_LINE = REVIEWER_DEFAULTS.verdict.regex;

export const REVIEWER_PRESETS: Readonly<Record<ReviewerPresetName, ReviewerPreset>> = {
  claude: {
    name: 'claude',
    title: 'Claude Code',
    description:
      'claude -p --output-format json (one JSON object: result, session_id), resumed with --resume <id>; plan mode with Bash, Edit, Write and NotebookEdit denied, and only the user\'s own settings (not the repository\'s .claude/settings.json, which the change under review can edit)',
    docs: ['https://docs.claude.com/en/docs/claude-code/headless', 'https://docs.claude.com/en/docs/claude-code/cli-reference'],
    checkedWith: '@anthropic-ai/claude-code 2.1.197 (claude --help)',
    reviewer: {
      // The packet arrives on stdin: -p without a prompt argument reads it from there.
      // --disallowedTools takes a comma-separated list in one argument, so it cannot swallow the next flag.
      command: ['claude', '-p', '--output-format', 'json', '--permission-mode', 'plan', '--disallowedTools', 'Bash,Edit,Write,NotebookEdit', '--setting-sources', 'user'],
      prompt: 'stdin',
      timeoutSeconds: 900,
      verdict: { jsonPath: 'result', regex: VERDICT_LINE },
      continuationId: { jsonPath: 'session_id' },
      resumeArgs: ['--resume', '{id}'],
      env: ['ANTHROPIC_API_KEY'],
    },
  },
  codex: {
    name: 'codex',
    title: 'Codex',
    description:
      'codex exec --json (JSON Lines: thread.started carries thread_id, the last item.completed the agent_message text), resumed with codex exec resume <id>; read-only sandbox, and the repository\'s AGENTS.md not loaded (the change under review can write it)',
    docs: ['https://developers.openai.com/codex/noninteractive', 'https://github.com/openai/codex/blob/main/docs/exec.md'],
    checkedWith: '@openai/codex 0.171.0 (codex exec --help, codex exec resume --help)',
    reviewer: {
      // No prompt argument: codex exec reads the instructions from stdin.
      // The sandbox also as a config override: `codex exec resume` has been reported to ignore --sandbox
      // (openai/codex#40149), and -c applies to both. project_doc_max_bytes=0 keeps AGENTS.md, which the
      // change under review can write, out of the reviewer's instructions.
      command: ['codex', 'exec', '--json', '--sandbox', 'read-only', '-c', 'sandbox_mode="read-only"', '-c', 'project_doc_max_bytes=0'],
      prompt: 'stdin',
      timeoutSeconds: 900,
      // The last line with item.text is the final agent_message; earlier reasoning items have text too.
      verdict: { jsonPath: 'item.text', regex: VERDICT_LINE },
      continuationId: { jsonPath: 'thread_id' },
      // `resume` is a subcommand of exec: exec's flags before it still apply; "-" reads the packet from stdin.
      resumeArgs: ['resume', '{id}', '-'],
      env: ['OPENAI_API_KEY', 'CODEX_API_KEY'],
    },
  },
  gemini: {
    name: 'gemini',
    title: 'Gemini CLI',
    description:
      'gemini --output-format json -p (one JSON object: response, stats, and session_id, which 0.61 prints although the headless reference lists only response, stats and error), resumed with --resume <id>; approval mode default, in which headless mode denies every tool that needs approval (edits, shell)',
    docs: ['https://geminicli.com/docs/cli/headless/', 'https://geminicli.com/docs/cli/session-management/', 'https://geminicli.com/docs/reference/policy-engine/'],
    checkedWith: '@google/gemini-cli 0.61.0 (gemini --help, bundled docs, packages/core/src/output/json-formatter.ts)',
    reviewer: {
      // Gemini puts stdin first and the -p text after it. Not --approval-mode plan: headless plan mode
      // switches to YOLO when the model exits the plan. Not --skip-trust: it would load the reviewed
      // change's own .gemini/settings.json; trust the folder once with an interactive gemini instead.
      command: ['gemini', '--output-format', 'json', '--approval-mode', 'default', '-p', 'Review the change above as it asks, and end with its VERDICT line.'],
      prompt: 'stdin',
      timeoutSeconds: 900,
      verdict: { jsonPath: 'response', regex: VERDICT_LINE },
      // Not in the headless reference's schema, but printed by the JSON formatter; a version that
      // prints none gets nothing recorded ("printed no continuation id"), never a made-up id.
      continuationId: { jsonPath: 'session_id' },
      resumeArgs: ['--resume', '{id}'],
      env: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_CLOUD_PROJECT', 'GOOGLE_CLOUD_LOCATION', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_APPLICATION_CREDENTIALS'],
    },
  },
};

export function isReviewerPresetName(name: string): name is ReviewerPresetName {
  return (REVIEWER_PRESET_NAMES as readonly string[]).includes(name);
}

/** `reviewers` entries for the named presets, in the order given (wf review run runs them in config order). */
export function reviewersFromPresets(names: readonly ReviewerPresetName[]): Record<string, ReviewerConfig> {
  const out: Record<string, ReviewerConfig> = {};
  for (const name of names) out[name] = structuredClone(REVIEWER_PRESETS[name].reviewer);
  return out;
}

/** The `"reviewers": {…}` line a message can show: one preset, as it would be written. */
export function presetConfigExample(name: ReviewerPresetName): string {
  return `"reviewers": ${JSON.stringify(reviewersFromPresets([name]))}`;
}
