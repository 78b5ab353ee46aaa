export { writeFileAtomic } from './atomic-write.js';
export { readStateFile, RECORD_HISTORY_LIMIT, type ReviewRecord, type ReviewStatus, type ReviewStep, type ReviewVia, type State, STATE_FILE, statePath, SUBTASKS_DIR, type Task, type TestRecord } from './model.js';
export { StateSchema } from './schema.js';
export { mutateStore, readState, type StoreTransaction } from './store.js';
export { assertTaskId, isValidTaskId } from './task-id.js';
