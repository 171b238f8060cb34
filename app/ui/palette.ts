/**
 * Colours of the report, in a module of their own so that pages without
 * charts can use them without loading Chart.js.
 *
 * Tiers and answers never share a colour: the answer scale keeps green for
 * "very disappointed" and red for "not disappointed", so the tiers take
 * blue, purple, teal, magenta and brown (each also with its own dash
 * pattern, for print and for readers who do not tell the hues apart).
 */
export const tierColors = ['#1f5fbf', '#6d28d9', '#0f766e', '#a21caf', '#854d0e'];
export const tierDashes = [[], [6, 4], [2, 3], [10, 3, 2, 3], [4, 2]];

export const answerColors = { very: '#15803d', somewhat: '#84cc16', not: '#b91c1c', na: '#9ca3af' } as const;

/** The miss-us benchmark (Sean Ellis): 40 % very disappointed. */
export const MISS_US_LINE = 0.4;
