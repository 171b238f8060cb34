import { describe, expect, it } from 'vitest';
import { coreItemIds } from './core-items';
import type { CustomQuestion } from './definition';
import { localText, planItems, surveyPlan } from './plan';

const question = (n: number): CustomQuestion => ({ key: `q${n}`, kind: 'text', required: false, text: { de: `Frage ${n}`, en: `Question ${n}` } });

describe('surveyPlan', () => {
  it('asks the miss-us question first, every core item once, and improve last', () => {
    const plan = surveyPlan({ questions: [] });
    expect(plan.steps.map((step) => step.items.map((item) => item.name))).toEqual([
      ['miss_us'],
      ['miss_most', 'alternative'],
      ['treat_valued', 'treat_responsive', 'treat_equal', 'treat_promise'],
      ['benefit', 'csat', 'recommend'],
      ['improve'],
    ]);
    expect(planItems(plan).map((item) => item.name).sort()).toEqual([...coreItemIds].sort());
    expect(planItems(plan).filter((item) => item.required).map((item) => item.name)).toEqual(['miss_us']);
  });

  it('gives the core items their scales and the miss-us answers', () => {
    const items = new Map(planItems(surveyPlan({ questions: [] })).map((item) => [item.name, item]));
    expect(items.get('miss_us')).toMatchObject({ kind: 'choice', options: [{ key: 'very' }, { key: 'somewhat' }, { key: 'not' }, { key: 'na' }] });
    expect(items.get('treat_equal')).toMatchObject({ kind: 'scale', min: 1, max: 5, anchors: 'agree' });
    expect(items.get('csat')).toMatchObject({ kind: 'scale', min: 1, max: 5, anchors: 'satisfied' });
    expect(items.get('recommend')).toMatchObject({ kind: 'scale', min: 0, max: 10, anchors: 'likely' });
    expect(items.get('improve')).toMatchObject({ kind: 'text' });
  });

  it('puts custom questions, three per step, before the last step', () => {
    const plan = surveyPlan({ questions: [1, 2, 3, 4].map(question) });
    expect(plan.steps.map((step) => step.key)).toEqual(['miss_us', 'miss', 'treatment', 'overall', 'custom-1', 'custom-2', 'improve']);
    expect(plan.steps[4]!.items.map((item) => item.name)).toEqual(['q1', 'q2', 'q3']);
    expect(plan.steps[5]!.items.map((item) => item.name)).toEqual(['q4']);
  });

  it('maps custom kinds to controls', () => {
    const plan = surveyPlan({
      questions: [
        { ...question(1), kind: 'scale5' },
        { ...question(2), kind: 'scale10', required: true },
        { ...question(3), kind: 'single', options: [{ key: 'o1', text: { de: 'a', en: 'a' } }, { key: 'o2', text: { de: 'b', en: 'b' } }] },
      ],
    });
    expect(plan.steps[4]!.items).toMatchObject([
      { kind: 'scale', min: 1, max: 5, anchors: 'none', required: false },
      { kind: 'scale', min: 0, max: 10, anchors: 'none', required: true },
      { kind: 'choice', options: [{ key: 'o1' }, { key: 'o2' }] },
    ]);
  });
});

describe('localText', () => {
  it('picks the language and fills in the company everywhere', () => {
    const text = { de: '{company} und {company}', en: 'With {company}?' };
    expect(localText(text, 'de', 'Müller & Co')).toBe('Müller & Co und Müller & Co');
    expect(localText(text, 'en', 'Müller & Co')).toBe('With Müller & Co?');
  });
});
