import { describe, expect, it } from 'vitest';
import { chooseView, reachableStep, stepNumber, stepOutcome } from './flow';
import { surveyPlan } from './plan';

const plan = surveyPlan({ questions: [] });
const started = (step: number) => ({ status: 'started' as const, step });
const completed = { status: 'completed' as const, step: 5 };
const view = (input: Partial<Parameters<typeof chooseView>[1]>) =>
  chooseView(plan, { closed: false, response: null, step: null, preselected: null, missing: false, ...input });

describe('chooseView', () => {
  it('starts at the first step and resumes where the customer stopped', () => {
    expect(view({})).toEqual({ view: 'step', index: 0, preselected: null, missing: false });
    expect(view({ response: started(3) })).toMatchObject({ view: 'step', index: 3 });
    expect(view({ response: started(3), step: '1' })).toMatchObject({ view: 'step', index: 1 });
  });

  it('does not let a customer skip ahead', () => {
    expect(view({ response: started(1), step: '4' })).toMatchObject({ index: 1 });
    expect(view({ step: '2' })).toMatchObject({ index: 0 });
    expect(view({ response: started(1), step: 'x' })).toMatchObject({ index: 1 });
  });

  it('thanks after completion and opens any step to change answers', () => {
    expect(view({ response: completed })).toEqual({ view: 'thanks' });
    expect(view({ response: completed, step: '4' })).toMatchObject({ view: 'step', index: 4 });
    expect(view({ response: completed, step: '5' })).toEqual({ view: 'thanks' });
  });

  it('opens the first step for a one-click answer, and the closed page when closed', () => {
    expect(view({ response: started(3), preselected: 'not' })).toEqual({ view: 'step', index: 0, preselected: 'not', missing: false });
    expect(view({ closed: true, response: started(2), preselected: 'very' })).toEqual({ view: 'closed' });
  });
});

describe('stepOutcome', () => {
  it('moves forward and records progress', () => {
    expect(stepOutcome(plan, null, 0, 'next', { miss_us: 'very' })).toEqual({ complete: false, reached: 1, goTo: { step: 1, missing: false } });
    expect(stepOutcome(plan, started(3), 1, 'next', { miss_us: 'very' })).toEqual({ complete: false, reached: 3, goTo: { step: 2, missing: false } });
  });

  it('goes back without losing progress', () => {
    expect(stepOutcome(plan, started(3), 3, 'back', {})).toEqual({ complete: false, reached: 3, goTo: { step: 2, missing: false } });
    expect(stepOutcome(plan, started(1), 0, 'back', {})).toMatchObject({ goTo: { step: 0 } });
  });

  it('completes on the last step when every required answer is there', () => {
    expect(stepOutcome(plan, started(4), 4, 'next', { miss_us: 'na' })).toEqual({ complete: true, reached: 5, goTo: 'thanks' });
    expect(stepOutcome(plan, started(4), 4, 'next', { miss_us: null })).toEqual({ complete: false, reached: 4, goTo: { step: 0, missing: true } });
  });

  it('lets a completed response save and finish from any step', () => {
    expect(stepOutcome(plan, completed, 1, 'finish', { miss_us: 'very' })).toEqual({ complete: true, reached: 5, goTo: 'thanks' });
    expect(stepOutcome(plan, completed, 1, 'next', { miss_us: 'very' })).toEqual({ complete: true, reached: 5, goTo: { step: 2, missing: false } });
    // "Finish" before completion is just "next".
    expect(stepOutcome(plan, started(2), 1, 'finish', { miss_us: 'very' })).toMatchObject({ complete: false, goTo: { step: 2 } });
  });
});

describe('reachableStep and stepNumber', () => {
  it('bounds the progress by the survey', () => {
    expect(reachableStep(plan, null)).toBe(0);
    expect(reachableStep(plan, started(9))).toBe(4);
    expect(reachableStep(plan, completed)).toBe(4);
  });

  it('reads only plain numbers', () => {
    expect(stepNumber('3')).toBe(3);
    for (const value of ['-1', '1.5', ' 2', '', '1e2', '9999', null]) expect(stepNumber(value)).toBeNull();
  });
});
