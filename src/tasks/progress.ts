import type { State, Task } from '../state/index.js';
import { progressForStep, type EnabledSteps } from '../workflow/index.js';

/**
 * Progress rolls up: a leaf follows its step, a parent is the (optionally
 * weighted) mean of its children, recursively. Runs inside the store lock
 * on a freshly re-read state, so parallel step changes never lose an update.
 */
export function ownProgress(task: Task, state: State, enabled: EnabledSteps, memo: Map<string, number>): number {
  const cached = memo.get(task.id);
  if (cached !== undefined) return cached;
  let value: number;
  const children = task.childIds.map((id) => state.tasks[id]).filter((t): t is Task => t !== undefined);
  if (children.length === 0) value = progressForStep(task.step, task.status === 'finished', enabled);
  else if (task.status === 'finished') value = 1;
  else {
    let total = 0;
    let weights = 0;
    for (const child of children) {
      const w = child.weight ?? 1;
      total += w * ownProgress(child, state, enabled, memo);
      weights += w;
    }
    value = weights > 0 ? total / weights : 0;
  }
  memo.set(task.id, value);
  return value;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/** Recomputes every task under `rootId` (or the whole tree); returns how many values changed. */
export function rollup(state: State, enabled: EnabledSteps, rootId?: string): number {
  const memo = new Map<string, number>();
  const ids = rootId ? subtreeIds(state, rootId) : Object.keys(state.tasks);
  let changed = 0;
  for (const id of ids) {
    const task = state.tasks[id]!;
    const value = round(ownProgress(task, state, enabled, memo));
    if (task.progress !== value) {
      task.progress = value;
      changed++;
    }
  }
  return changed;
}

/** After one task's step changed: it and its ancestors. */
export function rollupAncestors(state: State, enabled: EnabledSteps, taskId: string): void {
  const memo = new Map<string, number>();
  const seen = new Set<string>();
  let current: Task | undefined = state.tasks[taskId];
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    current.progress = round(ownProgress(current, state, enabled, memo));
    current = current.parentId ? state.tasks[current.parentId] : undefined;
  }
}

export function subtreeIds(state: State, rootId: string): string[] {
  const out: string[] = [];
  const stack = [rootId];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id) || !state.tasks[id]) continue;
    seen.add(id);
    out.push(id);
    stack.push(...state.tasks[id]!.childIds);
  }
  return out;
}
