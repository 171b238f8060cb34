/**
 * What an API key may do. Plain module: the key settings page shows the
 * choices, the server checks them.
 */
export const apiScopes = ['customers:read', 'customers:write', 'responses:read', 'flags:read', 'flags:write', 'reports:read'] as const;
export type ApiScope = (typeof apiScopes)[number];

/** Keys made before scopes existed could write customers and tiers, and keep exactly that. */
export const legacyScopes: readonly ApiScope[] = ['customers:write'];

/**
 * Scopes a granted scope includes. Reading customers once needed
 * `customers:write` (decision 0020); keys made then keep reading them.
 */
const includedScopes: Partial<Record<ApiScope, readonly ApiScope[]>> = { 'customers:write': ['customers:read'] };

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === 'string' && (apiScopes as readonly string[]).includes(value);
}

/** Whether a key with `granted` scopes may use an endpoint that needs `needed`. */
export function keyAllows(granted: readonly string[], needed: ApiScope): boolean {
  return granted.some((scope) => scope === needed || (isApiScope(scope) && (includedScopes[scope] ?? []).includes(needed)));
}
