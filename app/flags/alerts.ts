import type { FlagAlertMode, Role } from '../../db/schema/accounts';

/**
 * How a member hears of flags. A member who chose nothing gets the default:
 * each high-severity flag assigned to them at once (as a customer's account
 * owner), and, for marketing, who works the whole queue, the daily digest.
 * Choosing one of the three modes replaces both.
 */
export function flagAlertsOf(role: Role, mode: FlagAlertMode | null): { immediate: boolean; digest: boolean } {
  if (mode === 'immediate') return { immediate: true, digest: false };
  if (mode === 'digest') return { immediate: false, digest: true };
  if (mode === 'off') return { immediate: false, digest: false };
  return { immediate: true, digest: role === 'marketing' };
}

/** Alerts go out at once only for flags raised this recently; older ones wait for the digest. */
export const ALERT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** Digests go out once a day, from this hour (UTC) on. */
export const DIGEST_HOUR_UTC = 6;
