// Plain module (not .server): the tier settings page shows these limits in
// the browser too, where a .server module is empty.

/** A workspace has between MIN_TIERS and MAX_TIERS tiers (DESIGN.md: 2 to 5). */
export const MIN_TIERS = 2;
export const MAX_TIERS = 5;

/** What a tier is promised is at most this long (the database checks it too). */
export const MAX_PROMISE_LENGTH = 200;
