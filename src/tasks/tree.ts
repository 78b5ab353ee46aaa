import type { State, Task } from '../state/index.js';

/** The task forest as nested nodes, for `wf task tree --json` and the drawing. */
export interface TreeNode {
  id: string;
  title: string;
  step: Task['step'];
  status: Task['status'];
  progress: number;
  children: TreeNode[];
}

export function buildTree(state: State, rootId?: string): TreeNode[] {
  const node = (task: Task, seen: Set<string>): TreeNode => {
    seen.add(task.id);
    return {
      id: task.id,
      title: task.title,
      step: task.step,
      status: task.status,
      progress: task.progress,
      children: task.childIds
        .map((id) => state.tasks[id])
        .filter((t): t is Task => t !== undefined && !seen.has(t.id))
        .map((t) => node(t, seen)),
    };
  };
  const roots = rootId ? [state.tasks[rootId]!] : Object.values(state.tasks).filter((t) => t.parentId === null || !state.tasks[t.parentId]);
  const seen = new Set<string>();
  return roots.map((t) => node(t, seen));
}

/** Box-drawing lines (TTY) or ASCII indentation (pipes, files). */
export function drawTree(roots: readonly TreeNode[], unicode: boolean): string {
  const [tee, last, pipe, blank] = unicode ? ['├── ', '└── ', '│   ', '    '] : ['|-- ', '`-- ', '|   ', '    '];
  const lines: string[] = [];
  const label = (n: TreeNode) => `${n.id}  ${n.step}${n.status === 'finished' ? ' (finished)' : ''}  ${Math.round(n.progress * 100)}%  ${n.title}`;
  const walk = (n: TreeNode, prefix: string, isLast: boolean, depth: number) => {
    lines.push(depth === 0 ? label(n) : `${prefix}${isLast ? last : tee}${label(n)}`);
    const childPrefix = depth === 0 ? '' : prefix + (isLast ? blank : pipe);
    n.children.forEach((c, i) => walk(c, childPrefix, i === n.children.length - 1, depth + 1));
  };
  roots.forEach((r) => walk(r, '', true, 0));
  return lines.join('\n');
}
