import { expect } from 'vitest';
import { apiScopes, type ApiScope } from '../../app/api/scopes';
import type { TestClient } from './app';

/** Creates a key through the settings page as its signed-in owner would, with the chosen scopes (all by default); returns the key. */
export async function createKeyThroughPage(client: TestClient, name: string, scopes: readonly ApiScope[] = apiScopes): Promise<string> {
  const form = new URLSearchParams([['intent', 'create'], ['name', name], ...scopes.map((scope) => ['scopes', scope])]);
  const created = await client.request('/app/settings/api-keys', { method: 'POST', body: form, headers: { Origin: client.base, 'Accept-Language': 'en' } });
  expect(created.status).toBe(200);
  const key = /value="(wm_[A-Za-z0-9_-]+)"/.exec(await created.text())?.[1];
  expect(key, 'the page shows the new key').toBeDefined();
  return key!;
}
