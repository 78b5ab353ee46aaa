import { z } from 'zod';
import { DEFAULT_CONFIG, findConfigProblem } from './config.js';

/**
 * The public, documented definition of `.claude/wf.config.json`, exported as
 * JSON Schema by `wf schema config`. The fast path's reader (config.ts) must
 * agree with it; test/unit/config.test.ts holds both to the same table.
 */
const command = z.union([z.string().trim().min(1), z.array(z.string().min(1)).min(1)]);

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
      .strictObject({ minApprovals: z.number().int().min(1).default(1).describe('Distinct reviewers that must approve the same fingerprint.') })
      .default(DEFAULT_CONFIG.review),
    test: z
      .strictObject({
        command: command.default(DEFAULT_CONFIG.test.command).describe('A string runs in a shell; an array runs without one.'),
        timeoutSeconds: z.number().int().min(1).default(DEFAULT_CONFIG.test.timeoutSeconds),
      })
      .default(DEFAULT_CONFIG.test),
    plan: z
      .strictObject({ minWords: z.number().int().min(0).default(DEFAULT_CONFIG.plan.minWords).describe('A plan with fewer words than this is not a plan.') })
      .default(DEFAULT_CONFIG.plan),
    complexity: z
      .strictObject({
        maxFiles: z.number().int().min(1).default(DEFAULT_CONFIG.complexity.maxFiles),
        maxLines: z.number().int().min(1).default(DEFAULT_CONFIG.complexity.maxLines),
      })
      .default(DEFAULT_CONFIG.complexity)
      .describe('A staged change above either threshold makes the task complex: it then needs at least one todo.'),
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
  })
  .refine((c) => c.context.warnAt <= c.context.blockAt, { message: 'context.warnAt must not be above context.blockAt', path: ['context'] });

export type ConfigDocument = z.infer<typeof ConfigSchema>;

/** Both validators' verdicts, for the agreement test. */
export function configVerdicts(doc: unknown): { zod: boolean; fast: boolean } {
  return { zod: ConfigSchema.safeParse(doc).success, fast: findConfigProblem(doc) === null };
}
