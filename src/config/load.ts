import { DEFAULT_CONFIG, configPath, readConfigFileText, withoutBom, type WfConfig } from './reader.js';
import { ConfigSchema } from './schema.js';
import { usageError } from '../errors/index.js';

/** The oclif side's config reader: full zod validation, same defaults as the fast path. */
export function loadConfig(root: string): WfConfig {
  const file = configPath(root);
  const text = readConfigFileText(file);
  return text === null ? structuredClone(DEFAULT_CONFIG) : parseConfigWithSchema(text, file);
}

/** Parses and validates config text from anywhere (a file, or a commit in CI); exit 2 naming `file` on any problem. */
export function parseConfigWithSchema(text: string, file: string): WfConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(withoutBom(text));
  } catch (err) {
    throw usageError(`the config file is not valid JSON: ${(err as Error).message}`, {
      where: file,
      hint: 'fix the JSON by hand (wf never overwrites it), or delete it and run: wf init --yes',
    });
  }
  const result = ConfigSchema.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    throw usageError(`the config file is invalid: ${path ? `${path}: ` : ''}${issue.message}`, {
      where: file,
      hint: 'fix it by hand (see the Configuration section of the README), then run: wf status',
    });
  }
  const { $schema: _schema, ...config } = result.data;
  return config as WfConfig;
}
