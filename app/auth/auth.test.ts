import { describe, expect, it } from 'vitest';
import { slugify } from './accounts.server';
import { hashPassword, verifyPassword } from './password.server';
import { safeRedirect } from './session.server';
import { randomToken, tokenHash } from './tokens.server';

describe('passwords', () => {
  it('verifies the right password only, with a fresh salt per hash', async () => {
    const hash = await hashPassword('Straße und Meer 2026');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('Straße und Meer 2026', hash)).toBe(true);
    expect(await verifyPassword('Strasse und Meer 2026', hash)).toBe(false);
    expect(await hashPassword('Straße und Meer 2026')).not.toEqual(hash);
  });

  it('rejects malformed stored hashes instead of throwing', async () => {
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
    expect(await verifyPassword('x', '')).toBe(false);
  });
});

describe('tokens', () => {
  it('have 256 random bits and a stable SHA-256 hash', () => {
    const token = randomToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(randomToken()).not.toEqual(token);
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(token)).toEqual(tokenHash(token));
  });
});

describe('safeRedirect', () => {
  it('allows paths on this site only', () => {
    expect(safeRedirect('/app/customers?q=1')).toBe('/app/customers?q=1');
    expect(safeRedirect('//evil.example/x')).toBe('/app');
    expect(safeRedirect('https://evil.example')).toBe('/app');
    expect(safeRedirect('/\\evil.example')).toBe('/app');
    expect(safeRedirect(undefined)).toBe('/app');
    // Browsers drop tabs and line breaks from a Location: these would leave the site or break the header.
    expect(safeRedirect('/\t/evil.example')).toBe('/app');
    expect(safeRedirect('/\n/evil.example')).toBe('/app');
    expect(safeRedirect('/app/kunden/ü')).toBe('/app');
    expect(safeRedirect('/app/customers/%C3%BC?q=a%20b')).toBe('/app/customers/%C3%BC?q=a%20b');
  });
});

describe('slugify', () => {
  it('makes readable ASCII slugs from company names', () => {
    expect(slugify('Muster Beratung GmbH')).toBe('muster-beratung-gmbh');
    expect(slugify('Müller & Söhne')).toBe('muller-sohne');
    expect(slugify('???')).toBe('workspace');
  });
});
