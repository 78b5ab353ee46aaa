export { appendAuditEntriesLocked, AUDIT_FILE, type AuditEntry, type AuditEvent, auditPath, parseAuditEntries, readAuditText, verifyAuditLog } from './log.js';
