import { z } from 'zod';
import { STEPS } from '../workflow/index.js';
import { STATE_VERSION, type State } from './model.js';
import { TASK_ID_PATTERN } from './task-id.js';

/** The published definition of `.claude/task-state.json` (`wf schema state`); validate.ts is its dependency-free twin that wf runs. */
const isoTime = z.string().min(1);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const taskId = z.string().regex(TASK_ID_PATTERN).refine((id) => id !== '.' && id !== '..', 'must not be . or ..');

export const TaskSchema = z.strictObject({
  id: taskId,
  title: z.string(),
  parentId: taskId.nullable(),
  childIds: z.array(taskId),
  step: z.enum(STEPS),
  status: z.enum(['active', 'finished']),
  progress: z.number().min(0).max(1),
  weight: z.number().positive().optional(),
  complex: z.boolean(),
  plan: z.strictObject({ path: z.string().min(1), digest: sha256Hex, registeredAt: isoTime }).nullable(),
  todos: z.array(z.strictObject({ text: z.string().min(1), done: z.boolean(), createdAt: isoTime, doneAt: isoTime.optional() })),
  tests: z.array(
    z.strictObject({
      fingerprint: sha256Hex,
      passed: z.boolean(),
      exitCode: z.number().int().nullable(),
      durationMs: z.number().min(0),
      command: z.string(),
      at: isoTime,
      timedOut: z.boolean().optional(),
    }),
  ),
  reviews: z.array(
    z.strictObject({
      step: z.enum(['plan-review', 'review']),
      reviewer: z.string().min(1),
      continuationId: z.string().min(1),
      status: z.enum(['approved', 'needs-revision']),
      fingerprint: sha256Hex,
      at: isoTime,
      notes: z.string().optional(),
      auditHash: sha256Hex.optional(),
      files: z.record(z.string(), sha256Hex).optional(),
      via: z.enum(['run', 'manual']).optional().describe('run: wf review run read the verdict from the reviewer; manual (or absent): wf record-review.'),
    }),
  ),
  commits: z.array(z.strictObject({ sha: z.string().regex(/^[0-9a-f]{40,64}$/), fingerprint: sha256Hex, at: isoTime })),
  context: z.strictObject({ used: z.number().int().min(0), limit: z.number().int().positive(), at: isoTime }).nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  finishedAt: isoTime.optional(),
});

export const StateSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(STATE_VERSION),
    tasks: z.record(z.string(), TaskSchema),
  })
  .superRefine((state, ctx) => {
    for (const [key, task] of Object.entries(state.tasks)) {
      if (task.id !== key) ctx.addIssue({ code: 'custom', path: ['tasks', key, 'id'], message: 'must equal its key' });
      if (task.parentId !== null && !Object.hasOwn(state.tasks, task.parentId)) {
        ctx.addIssue({ code: 'custom', path: ['tasks', key, 'parentId'], message: `names a missing task ${task.parentId}` });
      }
      for (const child of task.childIds) {
        if (!Object.hasOwn(state.tasks, child) || state.tasks[child]!.parentId !== key) {
          ctx.addIssue({ code: 'custom', path: ['tasks', key, 'childIds'], message: `child ${child} is missing or names another parent` });
        }
      }
    }
  });

/** The first problem zod finds, phrased as `path: message`, or null. */
export function findStateSchemaProblem(doc: unknown): string | null {
  const result = StateSchema.safeParse(doc);
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

export type StateDocument = z.infer<typeof StateSchema>;
// Compile-time proof that the hand-written types and the schema describe the same document.
const _schemaMatchesTypes: (s: StateDocument) => State = (s) => s as State;
void _schemaMatchesTypes;
