/**
 * Is a plan file a real plan? Not the untouched template, not near-empty:
 * words the template itself contains (headings, prompts) and HTML comments
 * do not count towards the minimum.
 */
export function stripComments(text: string): string {
  return text.replace(/<!--[\s\S]*?(?:-->|$)/g, ' ');
}

function words(text: string): string[] {
  return text.match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu) ?? [];
}

export function countPlanWords(plan: string, template: string): number {
  const templateLines = new Set(
    stripComments(template)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
  const ownLines = stripComments(plan)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !templateLines.has(l) && !/^#+\s/.test(l));
  return words(ownLines.join('\n')).length;
}

/** Why `plan` is not a real plan, or null. */
export function planProblem(plan: string, template: string, minWords: number): string | null {
  if (plan.trim() === '') return 'the plan file is empty';
  if (plan.replace(/\s+/g, ' ').trim() === template.replace(/\s+/g, ' ').trim()) return 'the plan is the untouched template';
  const count = countPlanWords(plan, template);
  if (count < minWords) return `the plan has ${count} word${count === 1 ? '' : 's'} of its own; a real plan has at least ${minWords}`;
  return null;
}
