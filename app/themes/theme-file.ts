/**
 * A theme list as a JSON file: what `cli themes` prints and `cli analyze
 * --themes FILE` reads (docs/themes.md). The same limits as the settings
 * page apply, so a file that codes here could also be a workspace's list.
 *
 *   [{ "key": "reachability", "name": { "de": "Erreichbarkeit", "en": "Reachability" },
 *      "words": { "de": ["erreichbar", "Rückruf"], "en": ["reachable", "call back"] } }]
 */
import { z } from 'zod';
import type { ThemeDefinition } from '../analysis/themes';
import { MAX_KEYWORDS, MAX_THEMES } from './forms';

/** Larger theme files are refused unread; 30 themes of 80 key words fit many times over. */
export const MAX_THEME_FILE_BYTES = 1024 * 1024;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const text = (what: string, max: number) =>
  z
    .string({ error: `${what} must be a text` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .refine((value) => !CONTROL.test(value), `${what} must not contain control characters`);

const words = z
  .array(text('a key word', 60), { error: 'must be a list of key words' })
  .max(MAX_KEYWORDS, `at most ${MAX_KEYWORDS} key words per language`);

/** An object's error: `shape` when it is no object, the unknown fields by name otherwise. */
const objectError = (shape: string) => (issue: { code?: string; keys?: readonly string[] }) =>
  issue.code === 'unrecognized_keys' ? `unknown field ${(issue.keys ?? []).map((key) => `"${key}"`).join(', ')}` : shape;

const themeSchema = z.strictObject(
  {
    key: text('key', 100),
    name: z.strictObject({ de: text('the German name', 60), en: text('the English name', 60) }, { error: objectError('must be { "de": …, "en": … }') }),
    words: z.strictObject({ de: words, en: words }, { error: objectError('must be { "de": [...], "en": [...] }') }),
  },
  { error: objectError('must be a theme: { "key", "name": { "de", "en" }, "words": { "de": [...], "en": [...] } }') },
);

/** A theme file's content: a list of themes with distinct keys. */
export const themeFileSchema = z
  .array(themeSchema, { error: 'a theme file is a JSON list of themes' })
  .max(MAX_THEMES, `at most ${MAX_THEMES} themes`)
  .superRefine((themes, context) => {
    const seen = new Set<string>();
    themes.forEach((theme, index) => {
      if (seen.has(theme.key)) context.addIssue({ code: 'custom', path: [index, 'key'], message: `the key "${theme.key}" is used twice` });
      seen.add(theme.key);
    });
  });
export type ThemeFile = z.infer<typeof themeFileSchema>;

export type ThemeFileResult = { ok: true; themes: ThemeDefinition[] } | { ok: false; problems: string[] };

/** Reads a theme file's text; each problem names where in the file it is (`[2].words.de[0]: …`). */
export function parseThemeFile(content: string): ThemeFileResult {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    return { ok: false, problems: [`not valid JSON (${(error as Error).message})`] };
  }
  const parsed = themeFileSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.slice(0, 20).map((issue) => `${pathText(issue.path)}${issue.message}`) };
  }
  return { ok: true, themes: parsed.data.map((theme) => ({ key: theme.key, name: theme.name, keywords: theme.words })) };
}

/** The file form of theme definitions (what `parseThemeFile` reads back). */
export function themeFileOf(themes: readonly ThemeDefinition[]): ThemeFile {
  return themes.map((theme) => ({ key: theme.key, name: { ...theme.name }, words: { de: [...theme.keywords.de], en: [...theme.keywords.en] } }));
}

function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  const text = path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
  return `${text}: `;
}
