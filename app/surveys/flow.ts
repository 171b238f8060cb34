import { firstIncompleteStep, type Answers } from './answers';
import type { SurveyPlan } from './plan';

/**
 * Where a customer is in a survey and where a submitted step leads. Pure:
 * the route reads the invitation, asks here, and saves what comes back.
 */
export interface ResponseProgress {
  status: 'started' | 'completed';
  /** The step to resume at; the number of steps once completed. */
  step: number;
}

export const stepIntents = ['next', 'back', 'finish'] as const;
export type StepIntent = (typeof stepIntents)[number];

export type SurveyView =
  | { view: 'closed' }
  | { view: 'thanks' }
  | { view: 'step'; index: number; preselected: string | null; missing: boolean };

export function lastStepIndex(plan: SurveyPlan): number {
  return plan.steps.length - 1;
}

/** The furthest step a customer may open: where they stopped, or any step once completed. */
export function reachableStep(plan: SurveyPlan, response: ResponseProgress | null): number {
  if (!response) return 0;
  if (response.status === 'completed') return lastStepIndex(plan);
  return Math.min(Math.max(response.step, 0), lastStepIndex(plan));
}

/** A step number from a URL or form, or null when it is not a plain non-negative integer. */
export function stepNumber(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[0-9]{1,3}$/.test(value)) return null;
  return Number(value);
}

/**
 * What the page at `/s/<token>` shows. A one-click `answer` opens the first
 * step with that answer selected (nothing is saved by opening a page); a
 * `step` beyond where the customer got is ignored, so steps cannot be skipped.
 */
export function chooseView(
  plan: SurveyPlan,
  input: { closed: boolean; response: ResponseProgress | null; step: string | null; preselected: string | null; missing: boolean },
): SurveyView {
  if (input.closed) return { view: 'closed' };
  if (input.preselected) return { view: 'step', index: 0, preselected: input.preselected, missing: false };
  const reachable = reachableStep(plan, input.response);
  const requested = stepNumber(input.step);
  if (requested !== null && requested <= reachable) return { view: 'step', index: requested, preselected: null, missing: input.missing };
  if (input.response?.status === 'completed') return { view: 'thanks' };
  return { view: 'step', index: reachable, preselected: null, missing: false };
}

export interface StepOutcome {
  /** Whether this submission completes the response (or keeps it completed). */
  complete: boolean;
  /** The progress to store: never less than before. */
  reached: number;
  /** Where to send the customer: a step, or the thank-you page. */
  goTo: { step: number; missing: boolean } | 'thanks';
}

/**
 * Where a valid submission of step `index` leads. The last step (or "save
 * and finish" on a completed response) completes the survey when every
 * required answer is there; otherwise the customer goes to the first step
 * that still needs one.
 */
export function stepOutcome(
  plan: SurveyPlan,
  response: ResponseProgress | null,
  index: number,
  intent: StepIntent,
  answers: Answers,
): StepOutcome {
  const before = response?.step ?? 0;
  const completed = response?.status === 'completed';
  if (intent === 'back') {
    return { complete: completed, reached: Math.max(before, index), goTo: { step: Math.max(index - 1, 0), missing: false } };
  }
  const finishing = index === lastStepIndex(plan) || (intent === 'finish' && completed);
  if (!finishing) {
    return { complete: completed, reached: Math.max(before, index + 1), goTo: { step: index + 1, missing: false } };
  }
  const incomplete = firstIncompleteStep(plan, answers);
  if (incomplete !== null) return { complete: completed, reached: Math.max(before, index), goTo: { step: incomplete, missing: true } };
  return { complete: true, reached: plan.steps.length, goTo: 'thanks' };
}
