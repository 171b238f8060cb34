import { z } from 'zod';
import type { SurveyDefinition } from '../../db/schema/surveys';

/**
 * The custom part of a survey version (stored as JSONB in
 * `survey_versions.definition`) and the pure edits marketing makes to it.
 * Shared by the server and the browser: no I/O here.
 */
export type { SurveyDefinition };
export type CustomQuestion = SurveyDefinition['questions'][number];
export type LocalText = { de: string; en: string };

export const customQuestionKinds = ['single', 'multiple', 'scale5', 'scale10', 'text'] as const;
export type CustomQuestionKind = (typeof customQuestionKinds)[number];

export const MAX_CUSTOM_QUESTIONS = 20;
export const MAX_OPTIONS = 12;
export const MAX_QUESTION_TEXT = 500;
export const MAX_OPTION_TEXT = 200;
/** The longest free-text answer a customer can give. */
export const MAX_ANSWER_TEXT = 5_000;

export const questionKeyPattern = /^q[1-9][0-9]{0,3}$/;
const optionKeyPattern = /^o[1-9][0-9]{0,3}$/;

const localText = (max: number) => z.object({ de: z.string().min(1).max(max), en: z.string().min(1).max(max) });

const customQuestionSchema = z
  .object({
    key: z.string().regex(questionKeyPattern),
    kind: z.enum(customQuestionKinds),
    required: z.boolean(),
    text: localText(MAX_QUESTION_TEXT),
    options: z.array(z.object({ key: z.string().regex(optionKeyPattern), text: localText(MAX_OPTION_TEXT) })).max(MAX_OPTIONS).optional(),
  })
  .refine((q) => !isChoiceKind(q.kind) || (q.options?.length ?? 0) >= 2, 'a choice question needs at least two options');

export const surveyDefinitionSchema = z.object({ questions: z.array(customQuestionSchema).max(MAX_CUSTOM_QUESTIONS) });

/** Reads a stored definition; a malformed one is a bug, so it throws. */
export function parseSurveyDefinition(value: unknown): SurveyDefinition {
  return surveyDefinitionSchema.parse(value);
}

export function isChoiceKind(kind: CustomQuestionKind): kind is 'single' | 'multiple' {
  return kind === 'single' || kind === 'multiple';
}

/** What the question form hands over: option keys are kept for existing options, absent for new ones. */
export interface QuestionInput {
  kind: CustomQuestionKind;
  required: boolean;
  text: LocalText;
  options: Array<{ key?: string; text: LocalText }>;
}

function nextKey(prefix: 'q' | 'o', taken: Iterable<string>): string {
  let max = 0;
  for (const key of taken) {
    const n = Number(key.slice(1));
    if (key.startsWith(prefix) && Number.isInteger(n)) max = Math.max(max, n);
  }
  return `${prefix}${max + 1}`;
}

/**
 * The key of a new question: one more than any key the survey ever used, in
 * any version, so a key never means two different questions.
 */
export function nextQuestionKey(definitions: readonly SurveyDefinition[]): string {
  return nextKey(
    'q',
    definitions.flatMap((definition) => definition.questions.map((q) => q.key)),
  );
}

function buildQuestion(key: string, input: QuestionInput, previous?: CustomQuestion): CustomQuestion {
  const question: CustomQuestion = { key, kind: input.kind, required: input.required, text: input.text };
  if (!isChoiceKind(input.kind)) return question;
  // Existing options keep their keys (answers refer to them); new rows get fresh ones.
  const known = new Set(previous?.options?.map((option) => option.key) ?? []);
  const used = new Set<string>();
  const taken = [...known];
  question.options = input.options.map((option) => {
    let optionKey = option.key && known.has(option.key) && !used.has(option.key) ? option.key : undefined;
    if (!optionKey) {
      optionKey = nextKey('o', [...taken, ...used]);
      taken.push(optionKey);
    }
    used.add(optionKey);
    return { key: optionKey, text: option.text };
  });
  return question;
}

export type DefinitionEdit = { ok: true; definition: SurveyDefinition } | { ok: false; error: 'not_found' | 'too_many_questions' };

/** Adds a question at the end. */
export function addQuestion(definition: SurveyDefinition, key: string, input: QuestionInput): DefinitionEdit {
  if (definition.questions.length >= MAX_CUSTOM_QUESTIONS) return { ok: false, error: 'too_many_questions' };
  return { ok: true, definition: { questions: [...definition.questions, buildQuestion(key, input)] } };
}

/** Replaces a question's kind, texts, options and required flag; its key and place stay. */
export function updateQuestion(definition: SurveyDefinition, key: string, input: QuestionInput): DefinitionEdit {
  const index = definition.questions.findIndex((q) => q.key === key);
  if (index < 0) return { ok: false, error: 'not_found' };
  const questions = [...definition.questions];
  questions[index] = buildQuestion(key, input, questions[index]);
  return { ok: true, definition: { questions } };
}

/** Moves a question one place up or down; at either end it stays. */
export function moveQuestion(definition: SurveyDefinition, key: string, direction: 'up' | 'down'): DefinitionEdit {
  const index = definition.questions.findIndex((q) => q.key === key);
  if (index < 0) return { ok: false, error: 'not_found' };
  const target = direction === 'up' ? index - 1 : index + 1;
  const questions = [...definition.questions];
  if (target < 0 || target >= questions.length) return { ok: true, definition: { questions } };
  [questions[index], questions[target]] = [questions[target]!, questions[index]!];
  return { ok: true, definition: { questions } };
}

export function removeQuestion(definition: SurveyDefinition, key: string): DefinitionEdit {
  if (!definition.questions.some((q) => q.key === key)) return { ok: false, error: 'not_found' };
  return { ok: true, definition: { questions: definition.questions.filter((q) => q.key !== key) } };
}
