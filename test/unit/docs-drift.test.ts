import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEGIN_MARK, END_MARK, renderWorkflowMarkdown } from '../../src/workflow/docs.js';
import { STEPS, TRANSITIONS } from '../../src/workflow/machine.js';

const generatedBlock = (path: string) => {
  const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  const start = text.indexOf(BEGIN_MARK);
  const end = text.indexOf(END_MARK);
  expect(start, `${path} has the generated-section markers`).toBeGreaterThanOrEqual(0);
  return text.slice(start + BEGIN_MARK.length + 1, end);
};

describe('the workflow docs cannot drift from the code', () => {
  it.each(['README.md', '.claude/workflows/README.md'])('%s holds exactly what wf docs generates (run `npm run docs`)', (path) => {
    expect(generatedBlock(path)).toBe(renderWorkflowMarkdown());
  });

  it('the generated text names every step and every transition', () => {
    const md = renderWorkflowMarkdown();
    for (const step of STEPS) expect(md).toContain(`\`${step}\``);
    for (const t of TRANSITIONS) expect(md).toContain(`| ${t.event} |`);
  });
});
