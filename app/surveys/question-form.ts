import { z } from 'zod';
import {
  customQuestionKinds,
  isChoiceKind,
  MAX_OPTION_TEXT,
  MAX_OPTIONS,
  MAX_QUESTION_TEXT,
  type CustomQuestion,
  type QuestionInput,
} from './definition';

// Form schemas of the survey editor, shared by server and browser (Conform
// validates with them on both sides). Messages are keys: plain ones under
// `errors.`, survey-specific ones under `surveys.errors.`.

/** Rows of option fields the form offers (empty rows are left out). */
export const MAX_OPTION_ROWS = MAX_OPTIONS;
export const MIN_OPTION_ROWS = 4;

const questionText = z.string({ error: 'required' }).trim().min(1, 'required').max(MAX_QUESTION_TEXT, 'too_long');
const optionText = z.string().trim().max(MAX_OPTION_TEXT, 'too_long').optional();

export const questionFormSchema = z
  .object({
    kind: z.enum(customQuestionKinds, { error: 'kind_invalid' }),
    required: z.boolean().optional(),
    textDe: questionText,
    textEn: questionText,
    options: z
      .array(z.object({ key: z.string().max(8).optional(), de: optionText, en: optionText }))
      .max(MAX_OPTION_ROWS, 'options_too_many')
      .optional(),
  })
  // Runs even when other fields have errors, so every mistake shows at once.
  .check(
    z.superRefine(
      (form, ctx) => {
        if (!(customQuestionKinds as readonly unknown[]).includes(form.kind) || !isChoiceKind(form.kind)) return;
        const rows = Array.isArray(form.options) ? form.options : [];
        let filled = 0;
        rows.forEach((row, index) => {
          if (!row || (!row.de && !row.en)) return;
          filled++;
          if (!row.de) ctx.addIssue({ code: 'custom', path: ['options', index, 'de'], message: 'required' });
          if (!row.en) ctx.addIssue({ code: 'custom', path: ['options', index, 'en'], message: 'required' });
        });
        if (filled < 2) ctx.addIssue({ code: 'custom', path: ['options'], message: 'options_too_few' });
      },
      { when: () => true },
    ),
  );

export type QuestionForm = z.infer<typeof questionFormSchema>;

/** The checked form as the definition edits take it: filled option rows only, none for other kinds. */
export function questionInput(form: QuestionForm): QuestionInput {
  const options = isChoiceKind(form.kind)
    ? (form.options ?? []).filter((row) => row.de && row.en).map((row) => ({ key: row.key, text: { de: row.de!, en: row.en! } }))
    : [];
  return { kind: form.kind, required: form.required ?? false, text: { de: form.textDe, en: form.textEn }, options };
}

/** A question as the form's starting values, with empty option rows to add more. */
export function questionFormValues(question: CustomQuestion | undefined) {
  const options = (question?.options ?? []).map((option) => ({ key: option.key, de: option.text.de, en: option.text.en }));
  const rows = Math.min(MAX_OPTION_ROWS, Math.max(MIN_OPTION_ROWS, options.length + 2));
  while (options.length < rows) options.push({ key: '', de: '', en: '' });
  return {
    kind: question?.kind ?? 'single',
    required: question?.required ? 'on' : undefined,
    textDe: question?.text.de ?? '',
    textEn: question?.text.en ?? '',
    options,
  };
}

/** The buttons next to a custom question in the editor. */
export const surveyEditSchema = z.object({ intent: z.enum(['up', 'down', 'delete']), key: z.string().max(8) });

export const newSurveySchema = z.object({
  name: z.string({ error: 'required' }).trim().min(1, 'required').max(120, 'too_long'),
});
