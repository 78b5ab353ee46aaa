import { ConfigSchema } from '../../src/config/schema.js';
import type { WfConfig } from '../../src/config/reader.js';

/** The zod schema as a reader: the oracle the runtime's hand-written reader is held to. */
export function parseConfigWithSchema(text: string): WfConfig {
  const { $schema: _schema, ...config } = ConfigSchema.parse(JSON.parse(text));
  return config as WfConfig;
}
