/**
 * Links into the customer list, filtered to the customers behind a figure.
 * Plain (no zod, no server code), so that report components in the browser
 * can build them; the list's loader parses the same values.
 */

/** The latest completed answer of the quarter: `scored` is every miss-us answer but "does not apply" (the score's n), `any` any completed response. */
export const answerFilters = ['scored', 'very', 'somewhat', 'not', 'na', 'any', 'none'] as const;
export type AnswerFilter = (typeof answerFilters)[number];

/** Flags raised in a campaign of the quarter: `open` of any kind, or one kind in any status but withdrawn. */
export const flagFilters = ['open', 'second_class', 'at_risk'] as const;
export type FlagFilter = (typeof flagFilters)[number];

/** Columns the customer list sorts by: name, the quarter's tier (best first) and latest miss-us answer (very disappointed first). */
export const customerSorts = ['name', 'tier', 'answer'] as const;
export type CustomerSort = (typeof customerSorts)[number];
export const sortDirections = ['asc', 'desc'] as const;
export type SortDirection = (typeof sortDirections)[number];

export interface CustomerListFilter {
  period: string;
  tier?: string | null;
  answer?: AnswerFilter;
  flag?: FlagFilter;
}

/** The customer list's URL for a filter (tier null: all tiers). */
export function customersHref({ period, tier, answer, flag }: CustomerListFilter): string {
  const params = new URLSearchParams({ period });
  if (tier) params.set('tier', tier);
  if (answer) params.set('answer', answer);
  if (flag) params.set('flag', flag);
  return `/app/customers?${params}`;
}
