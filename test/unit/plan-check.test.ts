import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countPlanWords, planProblem } from '../../src/gates/plan-check.js';

const template = readFileSync(new URL('../../templates/plan.md', import.meta.url), 'utf8');

describe('is it a real plan?', () => {
  it('refuses the untouched template, an empty file and a near-empty plan', () => {
    expect(planProblem(template, template, 30)).toBe('the plan is the untouched template');
    expect(planProblem('   \n', template, 30)).toBe('the plan file is empty');
    expect(planProblem(`${template}\nDo it.\n`, template, 30)).toMatch(/has 2 words of its own/);
  });

  it('does not count the template prompts, headings or comments', () => {
    expect(countPlanWords(`${template}\n<!-- lots of words in a comment that should not count at all -->`, template)).toBe(0);
    expect(countPlanWords('## Goal\nShip the parser today', template)).toBe(4);
  });

  it('accepts a plan with enough words of its own', () => {
    const plan = template.replace('<!-- What will be true when this task is done? -->', 'word '.repeat(40));
    expect(planProblem(plan, template, 30)).toBeNull();
  });

  it('counts words in any script exactly as the Unicode word pattern does, with or without a limit', () => {
    const reference = (text: string) => (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu) ?? []).length;
    // Letters and digits in several scripts, astral letters and emoji, joiners and separators (no '#': a line led by one is a heading).
    const alphabet = ['a', 'Z', '7', 'é', 'ß', 'Ж', '中', '٣', '𝒜', '😀', '𐐷', "'", '’', '_', '-', ' ', '\n', '.', '—', '\u0301'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length;
    for (let round = 0; round < 2000; round++) {
      const text = Array.from({ length: 1 + (round % 40) }, () => alphabet[next()]).join('');
      const expected = reference(text);
      expect(countPlanWords(text, ''), JSON.stringify(text)).toBe(expected);
      expect(countPlanWords(text, '', 3)).toBe(Math.min(expected, 3));
    }
  });
});
