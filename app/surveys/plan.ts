import { coreItems, missUsOptions, treatmentItemIds, type CoreItemId } from './core-items';
import { isChoiceKind, type CustomQuestion, type LocalText, type SurveyDefinition } from './definition';

/**
 * The order in which a customer meets a survey: short steps, the miss-us
 * question first, the custom questions before the last open question.
 * Every tier gets exactly this plan; nothing in it depends on the customer.
 */
export type ScaleAnchors = 'agree' | 'satisfied' | 'likely' | 'none';

interface ItemBase {
  /** The form field and storage key: a core item id (a `responses` column) or a custom question key. */
  name: string;
  core: boolean;
  text: LocalText;
  required: boolean;
}
export type SurveyItem =
  | (ItemBase & { kind: 'choice' | 'multiple'; options: Array<{ key: string; text: LocalText }> })
  | (ItemBase & { kind: 'scale'; min: number; max: number; anchors: ScaleAnchors })
  | (ItemBase & { kind: 'text' });

export interface SurveyStep {
  key: string;
  items: SurveyItem[];
}

export interface SurveyPlan {
  steps: SurveyStep[];
}

/** Custom questions per step: short enough for a phone screen. */
const CUSTOM_PER_STEP = 3;

const coreSteps: Array<{ key: string; items: readonly CoreItemId[] }> = [
  { key: 'miss_us', items: ['miss_us'] },
  { key: 'miss', items: ['miss_most', 'alternative'] },
  { key: 'treatment', items: treatmentItemIds },
  { key: 'overall', items: ['benefit', 'csat', 'recommend'] },
];
const finalStep = { key: 'improve', items: ['improve'] as const };

const coreItemById = new Map(coreItems.map((item) => [item.id, item]));

function coreItem(id: CoreItemId): SurveyItem {
  const item = coreItemById.get(id)!;
  const base = { name: id, core: true, text: item.text };
  switch (item.kind) {
    case 'miss_us':
      return {
        ...base,
        kind: 'choice',
        // The headline metric: every customer is asked for it ("does not apply" is an answer).
        required: true,
        options: Object.entries(missUsOptions).map(([key, text]) => ({ key, text })),
      };
    case 'agree5':
      return { ...base, kind: 'scale', required: false, min: 1, max: 5, anchors: 'agree' };
    case 'scale5':
      return { ...base, kind: 'scale', required: false, min: 1, max: 5, anchors: 'satisfied' };
    case 'scale10':
      return { ...base, kind: 'scale', required: false, min: 0, max: 10, anchors: 'likely' };
    case 'text':
      return { ...base, kind: 'text', required: false };
  }
}

function customItem(question: CustomQuestion): SurveyItem {
  const base = { name: question.key, core: false, text: question.text, required: question.required };
  if (isChoiceKind(question.kind)) {
    return { ...base, kind: question.kind === 'single' ? 'choice' : 'multiple', options: question.options ?? [] };
  }
  if (question.kind === 'scale5') return { ...base, kind: 'scale', min: 1, max: 5, anchors: 'none' };
  if (question.kind === 'scale10') return { ...base, kind: 'scale', min: 0, max: 10, anchors: 'none' };
  return { ...base, kind: 'text' };
}

/** The steps of a survey version: the core items, then its custom questions, then `improve`. */
export function surveyPlan(definition: SurveyDefinition): SurveyPlan {
  const steps: SurveyStep[] = coreSteps.map((step) => ({ key: step.key, items: step.items.map(coreItem) }));
  for (let i = 0; i < definition.questions.length; i += CUSTOM_PER_STEP) {
    steps.push({ key: `custom-${i / CUSTOM_PER_STEP + 1}`, items: definition.questions.slice(i, i + CUSTOM_PER_STEP).map(customItem) });
  }
  steps.push({ key: finalStep.key, items: finalStep.items.map(coreItem) });
  return { steps };
}

/** Every item of a plan, in order. */
export function planItems(plan: SurveyPlan): SurveyItem[] {
  return plan.steps.flatMap((step) => step.items);
}

/** A text in the customer's language with `{company}` filled in. */
export function localText(text: LocalText, locale: 'de' | 'en', company: string): string {
  return text[locale].replaceAll('{company}', company);
}
