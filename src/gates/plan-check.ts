/**
 * Is a plan file a real plan? Not the untouched template, not near-empty:
 * words the template itself contains (headings, prompts) and HTML comments
 * do not count towards the minimum.
 */
export function stripComments(text: string): string {
  return text.replace(/<!--[\s\S]*?(?:-->|$)/g, ' ');
}

let letterOrNumber: RegExp | undefined;

/** A letter or a digit in any script; the Unicode classes are compiled only for text that is not ASCII. */
function isWordStart(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
  letterOrNumber ??= /^[\p{L}\p{N}]/u;
  return letterOrNumber.test(text.slice(i, i + 2));
}

/**
 * How many words `text` holds, counting up to `limit`: a word is a letter or digit followed by letters,
 * digits, apostrophes, underscores and hyphens. A scan rather than a `\p{L}` regex because every commit
 * runs it, and compiling that regex costs the hook more than the count.
 */
function countWords(text: string, limit: number): number {
  let count = 0;
  let i = 0;
  while (i < text.length && count < limit) {
    if (!isWordStart(text, i)) {
      i++;
      continue;
    }
    count++;
    i += text.codePointAt(i)! > 0xffff ? 2 : 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x27 || c === 0x2019 || c === 0x5f || c === 0x2d) i++;
      else if (i < text.length && isWordStart(text, i)) i += text.codePointAt(i)! > 0xffff ? 2 : 1;
      else break;
    }
  }
  return count;
}

export function countPlanWords(plan: string, template: string, limit = Infinity): number {
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
  return countWords(ownLines.join('\n'), limit);
}

/** Why `plan` is not a real plan, or null. */
export function planProblem(plan: string, template: string, minWords: number): string | null {
  if (plan.trim() === '') return 'the plan file is empty';
  if (plan.replace(/\s+/g, ' ').trim() === template.replace(/\s+/g, ' ').trim()) return 'the plan is the untouched template';
  const count = countPlanWords(plan, template, minWords);
  if (count < minWords) return `the plan has ${count} word${count === 1 ? '' : 's'} of its own; a real plan has at least ${minWords}`;
  return null;
}
