import { describe, expect, it } from 'vitest';
import { firstIncompleteStep, formValues, missingRequired, parseStepForm, preselectedMissUs } from './answers';
import type { SurveyDefinition } from './definition';
import { surveyPlan } from './plan';

const definition: SurveyDefinition = {
  questions: [
    {
      key: 'q1',
      kind: 'multiple',
      required: true,
      text: { de: 'Welche?', en: 'Which?' },
      options: [
        { key: 'o1', text: { de: 'A', en: 'A' } },
        { key: 'o2', text: { de: 'B', en: 'B' } },
        { key: 'o3', text: { de: 'C', en: 'C' } },
      ],
    },
    { key: 'q2', kind: 'scale10', required: false, text: { de: 'Wie?', en: 'How?' } },
  ],
};
const plan = surveyPlan(definition);
const [missUs, texts, treatment, overall, custom, improve] = plan.steps;
const form = (entries: Array<[string, string]>) => new URLSearchParams(entries);
const strict = { requireAnswers: true };

describe('parseStepForm', () => {
  it('reads valid answers and gives null for unanswered optional items', () => {
    expect(parseStepForm(missUs!, form([['miss_us', 'somewhat']]), strict)).toEqual({ ok: true, answers: { miss_us: 'somewhat' } });
    expect(parseStepForm(treatment!, form([['treat_valued', '1'], ['treat_equal', ' 5 ']]), strict)).toEqual({
      ok: true,
      answers: { treat_valued: 1, treat_responsive: null, treat_equal: 5, treat_promise: null },
    });
    expect(parseStepForm(overall!, form([['recommend', '0'], ['csat', '']]), strict)).toEqual({
      ok: true,
      answers: { benefit: null, csat: null, recommend: 0 },
    });
  });

  it('names the error of each wrong field', () => {
    const result = parseStepForm(
      overall!,
      form([
        ['benefit', '0'],
        ['csat', 'x'],
        ['recommend', '11'],
      ]),
      strict,
    );
    expect(result).toEqual({
      ok: false,
      errors: { benefit: 'out_of_range', csat: 'invalid', recommend: 'out_of_range' },
      values: { benefit: '0', csat: 'x', recommend: '11' },
    });
    expect(parseStepForm(missUs!, form([['miss_us', 'VERY']]), strict)).toMatchObject({ errors: { miss_us: 'unknown_option' } });
    expect(parseStepForm(missUs!, form([]), strict)).toMatchObject({ errors: { miss_us: 'required' } });
    expect(parseStepForm(missUs!, form([['miss_us', '  ']]), strict)).toMatchObject({ errors: { miss_us: 'required' } });
    expect(parseStepForm(missUs!, form([['miss_us', 'very'], ['miss_us', 'very']]), strict)).toMatchObject({ errors: { miss_us: 'invalid' } });
    expect(parseStepForm(texts!, form([['miss_most', 'x'.repeat(5_001)]]), strict)).toMatchObject({ errors: { miss_most: 'too_long' } });
    expect(parseStepForm(texts!, form([['miss_most', 'a\u0000b']]), strict)).toMatchObject({ errors: { miss_most: 'invalid' } });
    expect(parseStepForm(custom!, form([['q1', 'o4']]), strict)).toMatchObject({ errors: { q1: 'unknown_option' } });
    expect(parseStepForm(custom!, form([['q1', 'o1'], ['q2', '1e1']]), strict)).toMatchObject({ errors: { q2: 'invalid' } });
  });

  it('requires answers only when going forward', () => {
    expect(parseStepForm(missUs!, form([]), { requireAnswers: false })).toEqual({ ok: true, answers: { miss_us: null } });
    expect(parseStepForm(custom!, form([['q2', '12']]), { requireAnswers: false })).toMatchObject({ errors: { q2: 'out_of_range' } });
  });

  it('normalises text and multiple choices', () => {
    const text = `${'a'.repeat(2_000)}\r\n${'b'.repeat(2_999)}`;
    expect(parseStepForm(texts!, form([['miss_most', `  ${text}  `], ['alternative', '\r\n']]), strict)).toEqual({
      ok: true,
      answers: { miss_most: text.replace('\r\n', '\n'), alternative: null },
    });
    expect(parseStepForm(custom!, form([['q1', 'o3'], ['q1', 'o1'], ['q1', 'o3'], ['q1', '']]), strict)).toEqual({
      ok: true,
      answers: { q1: ['o1', 'o3'], q2: null },
    });
  });

  it('ignores fields that do not belong to the step', () => {
    const result = parseStepForm(improve!, form([['improve', 'More calls'], ['miss_us', 'not'], ['status', 'completed'], ['tier', 'A']]), strict);
    expect(result).toEqual({ ok: true, answers: { improve: 'More calls' } });
  });

  it('treats an uploaded file as a wrong answer', () => {
    const data = new FormData();
    data.append('improve', new Blob(['x']), 'x.txt');
    expect(parseStepForm(improve!, data, strict)).toMatchObject({ ok: false, errors: { improve: 'invalid' } });
  });
});

describe('required answers', () => {
  it('finds missing ones per step and the first incomplete step', () => {
    expect(missingRequired(custom!, { q1: [] })).toEqual(['q1']);
    expect(missingRequired(custom!, { q1: ['o1'] })).toEqual([]);
    expect(firstIncompleteStep(plan, {})).toBe(0);
    expect(firstIncompleteStep(plan, { miss_us: 'na' })).toBe(4);
    expect(firstIncompleteStep(plan, { miss_us: 'na', q1: ['o2'] })).toBeNull();
  });
});

describe('formValues', () => {
  it('turns saved answers back into form strings', () => {
    expect(formValues(overall!.items, { benefit: 4, csat: null, recommend: 0 })).toEqual({ benefit: '4', recommend: '0' });
    expect(formValues(custom!.items, { q1: ['o1', 'o2'] })).toEqual({ q1: ['o1', 'o2'] });
  });
});

describe('preselectedMissUs', () => {
  it('accepts only the miss-us answers', () => {
    expect(preselectedMissUs(plan, 'very')).toBe('very');
    expect(preselectedMissUs(plan, 'na')).toBe('na');
    expect(preselectedMissUs(plan, 'extremely')).toBeNull();
    expect(preselectedMissUs(plan, null)).toBeNull();
  });
});
