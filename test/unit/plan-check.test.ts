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
});
