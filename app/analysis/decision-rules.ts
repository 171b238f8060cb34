/**
 * The thresholds every decision of the review shares. A module of their own,
 * without the statistics: the findings are worded in the browser too, and
 * importing them from signals.ts pulled the whole statistics library and zod
 * into the overview's JavaScript.
 */

/** Below this (adjusted) p a difference counts as significant. */
export const SIGNIFICANCE_LEVEL = 0.05;
/** No decision and no finding speaks of a figure with fewer answers. */
export const MIN_DECISION_ANSWERS = 10;
