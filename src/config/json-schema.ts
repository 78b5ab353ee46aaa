import { z } from 'zod';
import { ConfigSchema } from './schema.js';
import { StateSchema } from '../state/index.js';

export function jsonSchemaFor(document: 'state' | 'config'): Record<string, unknown> {
  const schema = document === 'state' ? StateSchema : ConfigSchema;
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...json,
    $id: `https://wf-gate.dev/schema/${document}.json`,
    title: document === 'state' ? 'wf task state (.claude/task-state.json)' : 'wf config (.claude/wf.config.json)',
  };
}
