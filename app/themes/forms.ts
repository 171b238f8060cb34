import { z } from 'zod';

// Plain module (not .server): the settings page shows these limits in the browser too.

/** Themes per workspace: enough for any service business, few enough to read on one page. */
export const MAX_THEMES = 30;
/** Key words per language and theme. */
export const MAX_KEYWORDS = 40;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const name = z.string().trim().min(1, 'name_required').max(60, 'name_long').refine((text) => !CONTROL.test(text), 'name_required');

/** Key words as typed: one per line or separated by commas; blanks dropped, repeats once. */
const keywords = z
  .string()
  .max(4000, 'keywords_long')
  .default('')
  .transform((text) => [...new Set(text.split(/[\n,;]/).map((word) => word.trim()).filter((word) => word !== ''))])
  .refine((words) => words.length <= MAX_KEYWORDS, 'keywords_many')
  .refine((words) => words.every((word) => word.length <= 60 && !CONTROL.test(word)), 'keyword_long');

const themeFields = {
  nameDe: name,
  nameEn: name,
  keywordsDe: keywords,
  keywordsEn: keywords,
};

/** The forms of the theme settings page; `intent` tells which button was pressed. */
export const themeSettingsSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('add'), ...themeFields }),
  z.object({ intent: z.literal('save'), themeId: z.uuid('invalid'), ...themeFields }),
  z.object({ intent: z.literal('remove'), themeId: z.uuid('invalid') }),
  z.object({
    intent: z.literal('preview'),
    keywordsDe: keywords,
    keywordsEn: keywords,
    samples: z.string().max(5000, 'samples_long').default(''),
  }),
]);
export type ThemeSettingsForm = z.infer<typeof themeSettingsSchema>;
