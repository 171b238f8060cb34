/**
 * What an API key may do. Plain module: the key settings page shows the
 * choices, the server checks them.
 */
export const apiScopes = ['customers:write', 'responses:read', 'flags:read', 'flags:write', 'reports:read'] as const;
export type ApiScope = (typeof apiScopes)[number];

/** Keys made before scopes existed could write customers and tiers, and keep exactly that. */
export const legacyScopes: readonly ApiScope[] = ['customers:write'];

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === 'string' && (apiScopes as readonly string[]).includes(value);
}
