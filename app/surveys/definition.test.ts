import { parseWithZod } from '@conform-to/zod/v4';
import { describe, expect, it } from 'vitest';
import {
  addQuestion,
  MAX_CUSTOM_QUESTIONS,
  moveQuestion,
  nextQuestionKey,
  parseSurveyDefinition,
  removeQuestion,
  updateQuestion,
  type QuestionInput,
  type SurveyDefinition,
} from './definition';
import { isWellFormedToken } from './invitation-token.server';
import { questionFormSchema, questionFormValues, questionInput } from './question-form';

const text = (en: string) => ({ de: `${en} (de)`, en });
const choice = (options: Array<{ key?: string; text: { de: string; en: string } }>): QuestionInput => ({
  kind: 'single',
  required: true,
  text: text('Which?'),
  options,
});
const empty: SurveyDefinition = { questions: [] };

function expectOk(result: ReturnType<typeof addQuestion>): SurveyDefinition {
  if (!result.ok) throw new Error(result.error);
  return result.definition;
}

describe('definition edits', () => {
  it('adds questions with fresh option keys, and keeps keys of existing options on edit', () => {
    let definition = expectOk(addQuestion(empty, 'q1', choice([{ text: text('A') }, { key: 'o9', text: text('B') }])));
    expect(definition.questions[0]!.options!.map((o) => o.key)).toEqual(['o1', 'o2']);
    definition = expectOk(
      updateQuestion(definition, 'q1', choice([{ key: 'o2', text: text('B2') }, { text: text('C') }, { key: 'o1', text: text('A') }, { key: 'o1', text: text('A again') }])),
    );
    expect(definition.questions[0]!.options!.map((o) => [o.key, o.text.en])).toEqual([
      ['o2', 'B2'],
      ['o3', 'C'],
      ['o1', 'A'],
      ['o4', 'A again'],
    ]);
    expect(parseSurveyDefinition(definition)).toEqual(definition);
  });

  it('moves, removes and refuses unknown questions', () => {
    const input: QuestionInput = { kind: 'text', required: false, text: text('T'), options: [] };
    let definition = empty;
    for (const key of ['q1', 'q2', 'q3']) definition = expectOk(addQuestion(definition, key, input));
    expect(expectOk(moveQuestion(definition, 'q1', 'down')).questions.map((q) => q.key)).toEqual(['q2', 'q1', 'q3']);
    expect(expectOk(moveQuestion(definition, 'q1', 'up')).questions.map((q) => q.key)).toEqual(['q1', 'q2', 'q3']);
    expect(expectOk(moveQuestion(definition, 'q3', 'down')).questions.map((q) => q.key)).toEqual(['q1', 'q2', 'q3']);
    expect(expectOk(removeQuestion(definition, 'q2')).questions.map((q) => q.key)).toEqual(['q1', 'q3']);
    expect(removeQuestion(definition, 'q9')).toEqual({ ok: false, error: 'not_found' });
    expect(updateQuestion(definition, 'q9', input)).toEqual({ ok: false, error: 'not_found' });
    expect(definition.questions[0]!.options).toBeUndefined();
  });

  it('limits the number of custom questions', () => {
    const input: QuestionInput = { kind: 'text', required: false, text: text('T'), options: [] };
    let definition = empty;
    for (let i = 1; i <= MAX_CUSTOM_QUESTIONS; i++) definition = expectOk(addQuestion(definition, `q${i}`, input));
    expect(addQuestion(definition, 'q99', input)).toEqual({ ok: false, error: 'too_many_questions' });
  });

  it('never reuses a question key across versions', () => {
    const v1: SurveyDefinition = { questions: [{ key: 'q4', kind: 'text', required: false, text: text('x') }] };
    expect(nextQuestionKey([empty])).toBe('q1');
    expect(nextQuestionKey([v1, empty])).toBe('q5');
  });

  it('refuses a malformed stored definition', () => {
    expect(() => parseSurveyDefinition({ questions: [{ key: 'x', kind: 'single' }] })).toThrow();
    expect(() => parseSurveyDefinition({ questions: [{ key: 'q1', kind: 'single', required: true, text: text('a'), options: [] }] })).toThrow();
  });
});

describe('question form', () => {
  const parse = (entries: Record<string, string>) => parseWithZod(new URLSearchParams(entries), { schema: questionFormSchema });

  it('turns a filled form into a question, leaving out empty option rows', () => {
    const submission = parse({
      kind: 'multiple',
      required: 'on',
      textDe: ' Welche? ',
      textEn: 'Which?',
      'options[0].key': 'o1',
      'options[0].de': 'A',
      'options[0].en': 'A',
      'options[1].de': '',
      'options[1].en': '',
      'options[2].de': 'B',
      'options[2].en': 'B',
    });
    expect(submission.status).toBe('success');
    if (submission.status !== 'success') return;
    expect(questionInput(submission.value)).toEqual({
      kind: 'multiple',
      required: true,
      text: { de: 'Welche?', en: 'Which?' },
      options: [
        { key: 'o1', text: { de: 'A', en: 'A' } },
        { key: undefined, text: { de: 'B', en: 'B' } },
      ],
    });
  });

  it('reports every mistake at once', () => {
    const submission = parse({ kind: 'single', textDe: '', 'options[0].de': 'A', 'options[0].en': '' });
    expect(submission.reply().error).toEqual({
      textDe: ['required'],
      textEn: ['required'],
      'options[0].en': ['required'],
      options: ['options_too_few'],
    });
    expect(parse({ kind: 'scale5', textDe: 'a', textEn: 'b' }).status).toBe('success');
    expect(parse({ kind: 'matrix', textDe: 'a', textEn: 'b' }).reply().error).toEqual({ kind: ['kind_invalid'] });
  });

  it('offers empty rows for more options', () => {
    expect(questionFormValues(undefined).options).toHaveLength(4);
    const question = { key: 'q1', kind: 'single' as const, required: true, text: text('x'), options: [1, 2, 3].map((n) => ({ key: `o${n}`, text: text(`${n}`) })) };
    expect(questionFormValues(question)).toMatchObject({ kind: 'single', required: 'on', options: [{ key: 'o1' }, { key: 'o2' }, { key: 'o3' }, { key: '' }, { key: '' }] });
  });
});

describe('invitation tokens', () => {
  it('accepts only base64url tokens of at least 128 bits', () => {
    expect(isWellFormedToken('a'.repeat(43))).toBe(true);
    expect(isWellFormedToken('A-_b'.repeat(6))).toBe(true);
    for (const token of ['a'.repeat(21), 'a'.repeat(129), `${'a'.repeat(42)}=`, '../etc/passwd', undefined]) expect(isWellFormedToken(token)).toBe(false);
  });
});
