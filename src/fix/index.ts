export { eventNameOf, FIX_MARKER, fixOfValue, keyFromFixOf, parseFixEvent, requestAfterTrigger, type FixTrigger, type ParsedEvent } from './event.js';
export { fixHistory, parseFixMarker, renderFixMarker, summarizeHistory, type FixRecord } from './history.js';
export { decideFix, type FixDecision, type FixMode } from './policy.js';
export type { FixAttempt, FixReport } from './report.js';
export { runFix, type FixRequest } from './run.js';
export { commentableLines, parseUnifiedDiff, planSuggestions } from './suggestions.js';
export { buildFixPacket, logTail } from './packet.js';
export { PROTECTED_PATHS, protectedPathsTouched } from './change-gates.js';
