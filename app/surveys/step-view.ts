import type { Locale } from '../i18n';
import { surveyTexts } from '../i18n/survey';
import type { AnswerError, FormValues } from './answers';
import { localText, type ScaleAnchors, type SurveyPlan } from './plan';

/**
 * One step as the page renders it: texts already in the customer's language
 * with the company filled in. This is all a survey page gets about the
 * survey: no ids beyond the item names, nothing about the customer.
 */
export type ItemView =
  | { name: string; kind: 'choice' | 'multiple'; label: string; required: boolean; options: Array<{ value: string; label: string }> }
  | {
      name: string;
      kind: 'scale';
      label: string;
      required: boolean;
      /** Each point with its words, where the scale names them (read to screen readers). */
      points: Array<{ value: string; words: string | null }>;
      /** The words at both ends, shown under the scale. */
      low: string | null;
      high: string | null;
    }
  | { name: string; kind: 'text'; label: string; required: boolean };

export interface StepView {
  index: number;
  total: number;
  last: boolean;
  items: ItemView[];
}

export interface StepState {
  values: FormValues;
  errors: Record<string, AnswerError>;
  /** A form-level error (the form itself could not be read). */
  formError: boolean;
  /** The miss-us answer came from a one-click link and is not saved yet. */
  preselected: boolean;
  /** The response is completed: the customer is changing answers. */
  editing: boolean;
}

/** The words of a scale point, from the customer texts (a plain lookup: this runs for every page). */
function scaleWords(anchors: ScaleAnchors, point: number, min: number, max: number, locale: Locale): string | null {
  const scales = surveyTexts[locale].scales;
  if (anchors === 'agree' || anchors === 'satisfied') return scales[anchors][String(point) as '1'];
  if (anchors === 'likely') return point === min ? scales.likely.low : point === max ? scales.likely.high : null;
  return null;
}

export function stepView(plan: SurveyPlan, index: number, locale: Locale, company: string): StepView {
  const step = plan.steps[index]!;
  const items = step.items.map((item): ItemView => {
    const label = localText(item.text, locale, company);
    const base = { name: item.name, label, required: item.required };
    switch (item.kind) {
      case 'choice':
      case 'multiple':
        return { ...base, kind: item.kind, options: item.options.map((o) => ({ value: o.key, label: localText(o.text, locale, company) })) };
      case 'scale': {
        const points = Array.from({ length: item.max - item.min + 1 }, (_, i) => item.min + i).map((point) => ({
          value: String(point),
          words: scaleWords(item.anchors, point, item.min, item.max, locale),
        }));
        return { ...base, kind: 'scale', points, low: points[0]!.words, high: points.at(-1)!.words };
      }
      case 'text':
        return { ...base, kind: 'text' };
    }
  });
  return { index, total: plan.steps.length, last: index === plan.steps.length - 1, items };
}
