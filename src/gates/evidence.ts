import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type WfConfig, effectiveConfig } from '../config/index.js';
import { type Fingerprint, fingerprintOfChanges } from '../fingerprint/index.js';
import type { GateInputs, PlanFile, StagedChange } from './rules.js';
import { STATE_FILE, SUBTASKS_DIR, type Task } from '../state/index.js';
import { AUDIT_FILE } from '../audit/index.js';
import { CatFileBatch, headCommit, listStagedChangesWithStats, type Repo } from '../git/index.js';
import { packageRoot } from '../installation/index.js';

/**
 * Gathers what the gates judge, from git and the file system, so the gates
 * themselves stay pure. Shared by the oclif commands and the hook fast path.
 */
export const planTemplateFile = (): string => join(packageRoot(), 'templates', 'plan.md');

let templateCache: string | undefined;
export function planTemplate(): string {
  templateCache ??= readFileSync(planTemplateFile(), 'utf8');
  return templateCache;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function subtaskDir(root: string, taskId: string): string {
  return join(root, SUBTASKS_DIR, taskId);
}

export function readPlanFile(root: string, task: Task): PlanFile {
  if (!task.plan) return { text: null, digest: null };
  try {
    const bytes = readFileSync(join(root, task.plan.path));
    return { text: bytes.toString('utf8'), digest: sha256Hex(bytes) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: null, digest: null };
    throw err;
  }
}

export interface StagedEvidence extends StagedChange {
  head: string | null;
  records: Fingerprint['records'];
  /** wf's own files (state, audit log) the commit would add or change: outside the fingerprint, but not outside the hooks' view. */
  toolFiles: string[];
}

/** `config` may still be on its way (the committed config is read through the same cat-file process meanwhile). */
export async function collectStagedChange(repo: Repo, config: WfConfig | Promise<WfConfig>, head?: string | null, batch?: CatFileBatch): Promise<StagedEvidence> {
  const base = head === undefined ? await headCommit(repo) : head;
  const [listing, { fingerprint: fingerprintConfig }] = await Promise.all([listStagedChangesWithStats(repo, base), config]);
  const fp = await fingerprintOfChanges(repo, listing.changes, fingerprintConfig.exclude, batch);
  let lines = 0;
  const lineCounts = new Map<string, number>();
  for (const r of fp.records) {
    const count = listing.lineCounts.get(r.pathText) ?? 0;
    lineCounts.set(r.pathText, count);
    lines += count;
  }
  const files = new Map(fp.records.map((r) => [r.pathText, r.newDigest]));
  const toolFiles = listing.changes.filter((c) => !c.status.startsWith('D')).map((c) => c.path.toString('utf8')).filter((p) => p === STATE_FILE || p === AUDIT_FILE);
  return { head: base, fingerprint: fp.fingerprint, files, lines, lineCounts, records: fp.records, toolFiles };
}

/**
 * Starts gathering the staged change now and lets the caller parse a large
 * state file meanwhile. Order matters, not just overlap: spawning git from a
 * process whose heap holds 10,000 parsed tasks costs ten times more (fork
 * copies the page tables), so both git processes start before the parse.
 */
export function startStagedCollection(
  repo: Repo,
  config: WfConfig,
): { staged: Promise<StagedEvidence>; config: Promise<WfConfig>; close: () => Promise<void> } {
  const batch = new CatFileBatch(repo.root, repo.env);
  // The committed config rides the same cat-file process: the trust settings cost no extra git start-up.
  const effective = effectiveConfig(repo, config, batch);
  const staged = collectStagedChange(repo, effective, repo.headAtOpen, batch);
  // Awaited by the caller; this only keeps an early failure from being reported as unhandled before that.
  staged.catch(() => undefined);
  effective.catch(() => undefined);
  return { staged, config: effective, close: () => batch.close() };
}

export function gateInputsFor(repo: Repo, config: WfConfig, task: Task, staged: StagedChange): GateInputs {
  return {
    task,
    config,
    staged,
    plan: readPlanFile(repo.root, task),
    planTemplate: planTemplate(),
    subtaskDirExists: existsSync(subtaskDir(repo.root, task.id)),
  };
}

/** A capped path → digest map stored with a review, so a later refusal can name the files that changed. */
export function reviewedFiles(staged: StagedChange, cap = 300): Record<string, string> | undefined {
  if (staged.files.size > cap) return undefined;
  return Object.fromEntries(staged.files);
}
