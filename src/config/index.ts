export { configAtCommit, configLoosenings, effectiveConfig, uncommittedReviewerChanges } from './floor.js';
export { jsonSchemaFor } from './json-schema.js';
export { CONFIG_FILE, configPath, DEFAULT_CONFIG, parseConfigText, readConfig, REVIEWER_DEFAULTS, REVIEWER_NAME_PATTERN, type FixerConfig, type FixSettings, type ReviewerConfig, type ReviewerExtractor, type WfConfig } from './reader.js';
