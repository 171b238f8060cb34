import { describe, expect, it } from 'vitest';
import { checkEndpointUrl, isPublicAddress } from './addresses';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1', '127.1.2.3', '10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '224.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.2.10',
    '::1', '::', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '[::ffff:192.168.0.1]', '::127.0.0.1',
    '64:ff9b::10.0.0.1', '64:ff9b::7f00:1', '2002:7f00:1::1', '2002:c0a8:101::', '2001:db8::1', '2001::1',
    'localhost', 'example.com', '1.2.3', '256.1.1.1', '01.2.3.4x', '',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'allows %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('checkEndpointUrl', () => {
  const production = { allowHttpLocalhost: false };
  const development = { allowHttpLocalhost: true };

  it('takes https URLs and drops the fragment', () => {
    const result = checkEndpointUrl('https://crm.example.com/hooks/wouldmiss#x', production);
    expect(result.ok && result.url.href).toBe('https://crm.example.com/hooks/wouldmiss');
    expect(checkEndpointUrl('https://crm.example.com:8443/in', production).ok).toBe(true);
  });

  it('refuses http, other schemes, credentials, low ports and nonsense with a reason', () => {
    expect(checkEndpointUrl('http://crm.example.com/in', production)).toEqual({ ok: false, problem: 'scheme' });
    expect(checkEndpointUrl('http://localhost:4000/in', production)).toEqual({ ok: false, problem: 'scheme' });
    expect(checkEndpointUrl('ftp://crm.example.com/in', development)).toEqual({ ok: false, problem: 'scheme' });
    expect(checkEndpointUrl('javascript:alert(1)', development)).toEqual({ ok: false, problem: 'scheme' });
    expect(checkEndpointUrl('https://user:pw@crm.example.com/', production)).toEqual({ ok: false, problem: 'credentials' });
    expect(checkEndpointUrl('https://crm.example.com:25/', production)).toEqual({ ok: false, problem: 'port' });
    expect(checkEndpointUrl('not a url', production)).toEqual({ ok: false, problem: 'invalid' });
    expect(checkEndpointUrl(`https://example.com/${'a'.repeat(2001)}`, production)).toEqual({ ok: false, problem: 'too_long' });
  });

  it('allows http only to localhost, and only in development', () => {
    expect(checkEndpointUrl('http://localhost:4000/in', development).ok).toBe(true);
    expect(checkEndpointUrl('http://127.0.0.1:4000/in', development).ok).toBe(true);
    expect(checkEndpointUrl('http://[::1]:4000/in', development).ok).toBe(true);
    expect(checkEndpointUrl('http://crm.example.com/in', development)).toEqual({ ok: false, problem: 'scheme' });
    expect(checkEndpointUrl('http://localhost.example.com/in', development)).toEqual({ ok: false, problem: 'scheme' });
  });
});
