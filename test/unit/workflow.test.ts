import { describe, expect, it } from 'vitest';
import { ALL_STEPS_ON, legalFromSteps, nextStep, progressForStep, STEPS, TRANSITIONS, type EnabledSteps } from '../../src/workflow/machine.js';

describe('the transition table', () => {
  it('has the six steps in order', () => {
    expect(STEPS).toEqual(['plan', 'plan-review', 'implement', 'test', 'review', 'commit']);
  });

  it.each([
    ['plan', 'plan-registered', 'plan-review'],
    ['plan-review', 'plan-approved', 'implement'],
    ['plan-review', 'plan-needs-revision', 'plan'],
    ['implement', 'tests-passed', 'review'],
    ['implement', 'tests-failed', 'test'],
    ['review', 'tests-passed', 'review'],
    ['commit', 'tests-failed', 'test'],
    ['test', 'review-approved', 'commit'],
    ['review', 'review-needs-revision', 'implement'],
    ['commit', 'committed', 'implement'],
    ['implement', 'plan-registered', 'plan-review'],
  ] as const)('%s --%s--> %s', (from, event, to) => {
    expect(nextStep(from, event)).toEqual({ ok: true, to });
  });

  it.each([
    ['plan', 'tests-passed'],
    ['plan-review', 'tests-passed'],
    ['plan', 'review-approved'],
    ['implement', 'review-approved'],
    ['implement', 'committed'],
    ['review', 'committed'],
    ['implement', 'plan-approved'],
  ] as const)('refuses %s --%s-->', (from, event) => {
    const result = nextStep(from, event);
    expect(result.ok).toBe(false);
  });

  it('skips switched-off steps in both directions', () => {
    const noTests: EnabledSteps = { ...ALL_STEPS_ON, test: false };
    expect(legalFromSteps('review-approved', noTests)).toEqual(['implement', 'review', 'commit']);
    expect(nextStep('implement', 'review-approved', noTests)).toEqual({ ok: true, to: 'commit' });
    const noReview: EnabledSteps = { ...ALL_STEPS_ON, review: false };
    expect(nextStep('implement', 'tests-passed', noReview)).toEqual({ ok: true, to: 'commit' });
    const noPlanReview: EnabledSteps = { ...ALL_STEPS_ON, 'plan-review': false };
    expect(nextStep('plan', 'plan-registered', noPlanReview)).toEqual({ ok: true, to: 'implement' });
  });

  it('every transition leads to a step and starts from steps', () => {
    for (const t of TRANSITIONS) {
      expect(STEPS).toContain(t.to);
      for (const f of t.from) expect(STEPS).toContain(f);
    }
  });

  it('leaf progress grows with each step and is 1 when finished', () => {
    const values = STEPS.map((s) => progressForStep(s, false));
    expect(values[0]).toBe(0);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
    expect(progressForStep('implement', true)).toBe(1);
  });
});
