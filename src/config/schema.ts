import { z } from 'zod';
import { DEFAULT_CONFIG, findConfigProblem, repoRelativeDirProblem, FIX_TRIGGER_PATTERN, FIXER_DEFAULTS, MAX_TIMEOUT_SECONDS, REVIEWER_DEFAULTS, reviewerJsonPathProblem, reviewerRegexProblem, reviewerEnvNameProblem, REVIEWER_NAME_PATTERN } from './reader.js';

/**
 * The public, documented definition of `.claude/wf.config.json`, exported as
 * JSON Schema by `wf schema config`. The fast path's reader (config.ts) must
 * agree with it; test/unit/config.test.ts holds both to the same table.
 */
const command = z.union([z.string().trim().min(1), z.array(z.string().min(1)).min(1)]);

const jsonPath = z
  .string()
  .refine((p) => reviewerJsonPathProblem(p) === null, { message: 'must be a dotted path such as "result.session_id"' })
  .describe('Dotted path into the JSON on stdout (JSON Lines: the last line where the path exists); numeric parts index arrays.');
const regex = z
  .string()
  .min(1)
  .refine((r) => reviewerRegexProblem(r) === null, { message: 'must be a valid regular expression with a capture group' })
  .describe("The last match's first capture group is the value; with jsonPath it is applied to the value at the path.");
// A union rather than a refine, so the JSON Schema itself says that one of the two is required.
const extractor = z.union([z.strictObject({ jsonPath, regex: regex.optional() }), z.strictObject({ regex })], {
  error: 'needs jsonPath or regex (and nothing else)',
});
const argList = z.array(z.string().min(1)).min(1);

const ReviewerSchema = z
  .strictObject({
    command: argList.describe('Program and arguments, run without a shell; with prompt "file", {file} is replaced by the packet file (appended when absent).'),
    prompt: z.enum(['stdin', 'file']).default(REVIEWER_DEFAULTS.prompt).describe('How the review packet reaches the reviewer.'),
    timeoutSeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).default(REVIEWER_DEFAULTS.timeoutSeconds).describe('A reviewer still running after this is killed; nothing is recorded.'),
    verdict: extractor.default({ ...REVIEWER_DEFAULTS.verdict }).describe('Where the verdict is: APPROVED/APPROVE or NEEDS_REVISION/NEEDS-REVISION/REQUEST_CHANGES/CHANGES_REQUESTED, any case.'),
    continuationId: extractor.describe("Where the reviewer's session id is; it becomes the Review-Id trailer."),
    resumeArgs: argList
      .refine((args) => args.some((a) => a.includes('{id}')), { message: 'must contain {id} where the continuation id goes' })
      .optional()
      .describe('Appended after command for wf review run --resume, with {id} replaced by the last continuation id.'),
    env: z
      .array(z.string().superRefine((name, ctx) => {
        const problem = reviewerEnvNameProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }))
      .optional()
      .describe("Environment variables passed through to the reviewer (its API key, say), on top of the basics a CLI needs (HOME is a fresh directory, PATH is wf's trusted PATH); nothing else reaches it."),
  })
  .refine((r) => r.prompt === 'file' || !r.command.some((a) => a.includes('{file}')), { message: 'command uses {file} but prompt is not "file"', path: ['command'] });

const envList = z
  .array(z.string().superRefine((name, ctx) => {
    const problem = reviewerEnvNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }))
  .optional();

const FixerSchema = z
  .strictObject({
    command: argList.describe('Program and arguments, run without a shell, in the checkout; what it leaves changed in the work tree is the fix.'),
    prompt: z.enum(['stdin', 'file']).default(FIXER_DEFAULTS.prompt).describe('How the fix packet reaches the fixer.'),
    timeoutSeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).default(FIXER_DEFAULTS.timeoutSeconds).describe('A fixer still running after this is killed; its changes are thrown away.'),
    env: envList.describe('Environment variables passed through to the fixer (its API key), on top of the basics a CLI needs; forge tokens and the attestation key never are.'),
    cost: extractor.optional().describe('Where the fixer reports the run\'s cost in US dollars, for fix.maxCostUsd.'),
  })
  .refine((r) => r.prompt === 'file' || !r.command.some((a) => a.includes('{file}')), { message: 'command uses {file} but prompt is not "file"', path: ['command'] });

const identityPart = z.string().regex(/^[^<>\n\r]{1,100}$/).refine((s) => s.trim() === s, { message: 'no surrounding spaces' });

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).default(1).describe('Format version of this file.'),
    mode: z
      .enum(['strict', 'warn'])
      .default(DEFAULT_CONFIG.mode)
      .describe('strict refuses when a gate fails; warn reports every gate but lets the commit through.'),
    steps: z
      .strictObject({
        'plan-review': z.boolean().default(true),
        test: z.boolean().default(true),
        review: z.boolean().default(true),
      })
      .default(DEFAULT_CONFIG.steps)
      .describe('Optional steps on or off; plan, implement and commit are always on.'),
    review: z
      .strictObject({
        minApprovals: z.number().int().min(1).default(1).describe('Distinct reviewers that must approve the same fingerprint.'),
        allowManual: z
          .boolean()
          .default(true)
          .describe('false: only verdicts wf review run read from a configured reviewer count, and wf record-review is refused.'),
      })
      .default(DEFAULT_CONFIG.review),
    test: z
      .strictObject({
        command: command.default(DEFAULT_CONFIG.test.command).describe('A string runs in a shell; an array runs without one.'),
        timeoutSeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).default(DEFAULT_CONFIG.test.timeoutSeconds),
        cwd: z
          .string()
          .refine((p) => repoRelativeDirProblem(p) === null, { message: 'must be a folder relative to the repository root, inside it' })
          .optional()
          .describe('Where the test command runs, relative to the repository root (a monorepo package such as "packages/app"). Unset: the folder whose node_modules holds wf, else the root.'),
      })
      .default(DEFAULT_CONFIG.test),
    plan: z
      .strictObject({ minWords: z.number().int().min(0).default(DEFAULT_CONFIG.plan.minWords).describe('A plan with fewer words than this is not a plan.') })
      .default(DEFAULT_CONFIG.plan),
    complexity: z
      .strictObject({
        maxFiles: z.number().int().min(1).default(DEFAULT_CONFIG.complexity.maxFiles),
        maxLines: z.number().int().min(1).default(DEFAULT_CONFIG.complexity.maxLines),
        exclude: z
          .array(z.string().min(1))
          .default([...DEFAULT_CONFIG.complexity.exclude])
          .describe('Globs of generated files (default: the npm, yarn, pnpm and bun lock files) that do not count toward maxFiles and maxLines; they are still fingerprinted and reviewed. A list replaces the default.'),
      })
      .default(DEFAULT_CONFIG.complexity)
      .describe('A staged change above either threshold (files in exclude not counted) makes the task complex: it then needs at least one todo.'),
    context: z
      .strictObject({
        warnAt: z.number().gt(0).max(1).default(DEFAULT_CONFIG.context.warnAt),
        blockAt: z.number().gt(0).max(1).default(DEFAULT_CONFIG.context.blockAt),
      })
      .default(DEFAULT_CONFIG.context)
      .describe('Fractions of the context window: above warnAt wf warns, above blockAt it refuses to commit.'),
    fingerprint: z
      .strictObject({ exclude: z.array(z.string().min(1)).default([]).describe('Extra glob patterns left out of the fingerprint.') })
      .default(DEFAULT_CONFIG.fingerprint),
    reviewers: z
      .record(z.string().regex(REVIEWER_NAME_PATTERN, 'a reviewer name is 1-64 characters from A-Z a-z 0-9 . _ @ + -'), ReviewerSchema)
      .default({})
      .describe('Reviewers wf review run starts itself, by name.'),
    attestation: z
      .strictObject({
        required: z.boolean().default(false).describe('Read from the base by wf verify: every reviewed commit needs signed review attestations from CI (wf review ci).'),
        trailers: z.enum(['required', 'optional']).default('required').describe('optional: a commit with valid attestations but no Review-Hash trailer passes (dependency bots, web edits).'),
      })
      .default(DEFAULT_CONFIG.attestation),
    secrets: z
      .strictObject({ allow: z.array(z.string().min(1)).default([]).describe('Known false positives of the secrets gate: path globs, or the sha256:<hex> digest the gate prints for a finding.') })
      .default(DEFAULT_CONFIG.secrets),
    agent: z
      .strictObject({
        stopGate: z.boolean().default(false).describe("The agent's Stop hook blocks stopping while the task has ungated tracked changes, an unaddressed NEEDS_REVISION, or failing tests on the staged change."),
        maxStopBlocks: z.number().int().min(1).max(100).default(3).describe('Consecutive blocks per agent session before the stop gate lets the agent stop (and says why).'),
      })
      .default(DEFAULT_CONFIG.agent),
    fixers: z
      .record(z.string().regex(REVIEWER_NAME_PATTERN, 'a fixer name is 1-64 characters from A-Z a-z 0-9 . _ @ + -'), FixerSchema)
      .default({})
      .describe('Programs wf fix starts to change the code, by name. Read from the base branch.'),
    fix: z
      .strictObject({
        fixer: z.string().regex(REVIEWER_NAME_PATTERN).optional().describe('The fixer wf fix runs; unset: the only one configured.'),
        trigger: z.string().regex(FIX_TRIGGER_PATTERN).default(DEFAULT_CONFIG.fix.trigger).describe('A comment asks for a fix when one of its lines starts with this phrase.'),
        mode: z.enum(['suggest', 'push']).default(DEFAULT_CONFIG.fix.mode).describe('suggest: post suggestions and push nothing; push: commit the gated fix to the pull request\'s branch (same repository only).'),
        maxLines: z.number().int().min(1).max(100_000).default(DEFAULT_CONFIG.fix.maxLines).describe('A fix changing more lines than this is refused.'),
        maxAttempts: z.number().int().min(1).max(20).default(DEFAULT_CONFIG.fix.maxAttempts).describe('Fixer runs per trigger, counted from Fix-Of trailers and wf\'s own comments.'),
        maxPerHour: z.number().int().min(1).max(100).default(DEFAULT_CONFIG.fix.maxPerHour).describe('Fixes per pull request in any hour.'),
        maxCostUsd: z.number().gt(0).optional().describe('Cost ceiling per pull request, from what the fixer reports (fixers.<name>.cost).'),
        bot: z
          .strictObject({ name: identityPart.default(DEFAULT_CONFIG.fix.bot.name), email: identityPart.default(DEFAULT_CONFIG.fix.bot.email) })
          .default(DEFAULT_CONFIG.fix.bot)
          .describe('The author and committer of fix commits.'),
      })
      .default(DEFAULT_CONFIG.fix)
      .describe('wf fix: the closed loop on pull requests. Read from the base branch.'),
  })
  .refine((c) => c.context.warnAt <= c.context.blockAt, { message: 'context.warnAt must not be above context.blockAt', path: ['context'] });

export type ConfigDocument = z.infer<typeof ConfigSchema>;

/** Both validators' verdicts, for the agreement test. */
export function configVerdicts(doc: unknown): { zod: boolean; fast: boolean } {
  return { zod: ConfigSchema.safeParse(doc).success, fast: findConfigProblem(doc) === null };
}
