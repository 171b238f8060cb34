import { z } from 'zod';
import { MAX_ANSWER_TEXT } from './definition';
import { planItems, type SurveyItem, type SurveyPlan, type SurveyStep } from './plan';

/**
 * Reading one submitted survey step. Every value is checked against the
 * step's items with zod: a tampered or malformed form gives field errors,
 * never an exception, and fields that do not belong to the step are ignored.
 */
export type AnswerValue = string | number | string[];
/** Answers by item name; null means "no answer" (it clears a saved one). */
export type Answers = Record<string, AnswerValue | null>;
/** What the form shows: raw strings, as the browser sent or will send them. */
export type FormValues = Record<string, string | string[]>;

export const answerErrors = ['required', 'unknown_option', 'out_of_range', 'too_long', 'invalid'] as const;
export type AnswerError = (typeof answerErrors)[number];

export type StepParse =
  | { ok: true; answers: Answers }
  | { ok: false; errors: Record<string, AnswerError>; values: FormValues };

const missingOr =
  (otherwise: AnswerError) =>
  (issue: { input?: unknown }): AnswerError =>
    issue.input === undefined ? 'required' : otherwise;

function itemSchema(item: SurveyItem, required: boolean): z.ZodType<AnswerValue | undefined> {
  let schema: z.ZodType<AnswerValue>;
  switch (item.kind) {
    case 'choice':
      schema = z.enum(
        item.options.map((option) => option.key) as [string, ...string[]],
        { error: (issue) => (issue.input === undefined ? 'required' : typeof issue.input === 'string' ? 'unknown_option' : 'invalid') },
      );
      break;
    case 'multiple':
      schema = z
        .array(z.enum(item.options.map((option) => option.key) as [string, ...string[]], { error: 'unknown_option' }), {
          error: missingOr('invalid'),
        })
        .min(1, 'required');
      break;
    case 'scale':
      schema = z
        .string({ error: missingOr('invalid') })
        .regex(/^[+-]?[0-9]{1,6}$/, 'invalid')
        .transform(Number)
        .pipe(z.number().min(item.min, 'out_of_range').max(item.max, 'out_of_range'));
      break;
    case 'text':
      schema = z
        .string({ error: missingOr('invalid') })
        .max(MAX_ANSWER_TEXT, 'too_long')
        // The stand-in for an uploaded file (readFormData already refuses NUL in text).
        .refine((text) => !text.includes('\u0000'), 'invalid');
      break;
  }
  return required ? schema : schema.optional();
}

/**
 * The raw form value of one item: absent and blank fields are undefined;
 * a field sent twice stays an array so a single-answer item rejects it.
 */
function rawValue(item: SurveyItem, form: FormData | URLSearchParams): string | string[] | undefined {
  // An uploaded file stands in as a NUL character, which no answer may contain.
  const all = form.getAll(item.name).map((value) => (typeof value === 'string' ? value : '\u0000'));
  if (item.kind === 'multiple') {
    const chosen = [...new Set(all.filter((value) => value !== ''))];
    return chosen.length > 0 ? chosen : undefined;
  }
  if (all.length > 1) return all;
  const value = all[0];
  if (value === undefined) return undefined;
  // Browsers send textarea line breaks as CRLF but count them as one character.
  const normalised = item.kind === 'text' ? value.replace(/\r\n?/g, '\n').trim() : value.trim();
  return normalised === '' ? undefined : normalised;
}

// Building zod schemas costs more than using them; a step's schemas are kept
// with the step (plans of survey versions are cached, see answering.server.ts).
const stepSchemas = new WeakMap<SurveyStep, { strict?: z.ZodType; lenient?: z.ZodType }>();

function stepSchema(step: SurveyStep, requireAnswers: boolean): z.ZodType<Record<string, AnswerValue | undefined>> {
  let schemas = stepSchemas.get(step);
  if (!schemas) stepSchemas.set(step, (schemas = {}));
  const mode = requireAnswers ? 'strict' : 'lenient';
  schemas[mode] ??= z.object(Object.fromEntries(step.items.map((item) => [item.name, itemSchema(item, requireAnswers && item.required)])));
  return schemas[mode] as z.ZodType<Record<string, AnswerValue | undefined>>;
}

/**
 * Parses the answers of one step. With `requireAnswers: false` (going back)
 * required items may be left empty; wrong values are errors either way.
 */
export function parseStepForm(step: SurveyStep, form: FormData | URLSearchParams, options: { requireAnswers: boolean }): StepParse {
  const raw: Record<string, string | string[] | undefined> = {};
  for (const item of step.items) raw[item.name] = rawValue(item, form);
  const result = stepSchema(step, options.requireAnswers).safeParse(raw);
  if (!result.success) {
    const errors: Record<string, AnswerError> = {};
    for (const issue of result.error.issues) {
      const name = String(issue.path[0]);
      const code = (answerErrors as readonly string[]).includes(issue.message) ? (issue.message as AnswerError) : 'invalid';
      errors[name] ??= code;
    }
    const values: FormValues = {};
    for (const [name, value] of Object.entries(raw)) if (value !== undefined) values[name] = value;
    return { ok: false, errors, values };
  }
  const answers: Answers = {};
  for (const item of step.items) {
    const value = (result.data[item.name] as AnswerValue | undefined) ?? null;
    // Multiple choices are kept in the order of the options, whatever order the browser sent.
    answers[item.name] =
      item.kind === 'multiple' && Array.isArray(value) ? item.options.map((o) => o.key).filter((key) => value.includes(key)) : value;
  }
  return { ok: true, answers };
}

/** Saved answers as form values, for showing a step again. */
export function formValues(items: readonly SurveyItem[], answers: Answers): FormValues {
  const values: FormValues = {};
  for (const item of items) {
    const value = answers[item.name];
    if (value === null || value === undefined) continue;
    values[item.name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return values;
}

function isAnswered(value: AnswerValue | null | undefined): boolean {
  return value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0) && value !== '';
}

/** Required items of a step that have no answer. */
export function missingRequired(step: SurveyStep, answers: Answers): string[] {
  return step.items.filter((item) => item.required && !isAnswered(answers[item.name])).map((item) => item.name);
}

/** The first step that still lacks a required answer, or null when the survey can be completed. */
export function firstIncompleteStep(plan: SurveyPlan, answers: Answers): number | null {
  const index = plan.steps.findIndex((step) => missingRequired(step, answers).length > 0);
  return index < 0 ? null : index;
}

/** Whether a one-click link's `answer` is a valid miss-us answer. */
export function preselectedMissUs(plan: SurveyPlan, value: string | null): string | null {
  const item = planItems(plan).find((candidate) => candidate.name === 'miss_us');
  if (!value || !item || item.kind !== 'choice') return null;
  return item.options.some((option) => option.key === value) ? value : null;
}
