import { isIP } from 'node:net';

/**
 * Which addresses a webhook may be sent to. A workspace owner types the URL,
 * so without these checks a webhook could reach the app's own network: the
 * database, a cloud metadata service (169.254.169.254), an admin port on
 * localhost. Only public unicast addresses pass; IPv6 forms that carry an
 * IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address.
 * Pure: the resolver and the connection live in outbound.server.ts.
 */

type Range = readonly [base: number, bits: number];

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

// IANA IPv4 special-purpose registry, plus multicast and the reserved 240/4.
const blockedV4: Range[] = [
  [v4(0, 0, 0, 0), 8],
  [v4(10, 0, 0, 0), 8],
  [v4(100, 64, 0, 0), 10],
  [v4(127, 0, 0, 0), 8],
  [v4(169, 254, 0, 0), 16],
  [v4(172, 16, 0, 0), 12],
  [v4(192, 0, 0, 0), 24],
  [v4(192, 0, 2, 0), 24],
  [v4(192, 88, 99, 0), 24],
  [v4(192, 168, 0, 0), 16],
  [v4(198, 18, 0, 0), 15],
  [v4(198, 51, 100, 0), 24],
  [v4(203, 0, 113, 0), 24],
  [v4(224, 0, 0, 0), 4],
  [v4(240, 0, 0, 0), 4],
];

function parseV4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return null;
  return v4(Number(parts[0]), Number(parts[1]), Number(parts[2]), Number(parts[3]));
}

function inV4(address: number, [base, bits]: Range): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((address & mask) >>> 0) === base;
}

function isPublicV4(address: number): boolean {
  return !blockedV4.some((range) => inV4(address, range));
}

/** The eight 16-bit groups of an IPv6 address, or null. A zone (`%eth0`) makes it link-scoped: null. */
function parseV6(text: string): number[] | null {
  if (text.includes('%')) return null;
  let tail: number[] = [];
  let body = text;
  const lastColon = body.lastIndexOf(':');
  if (body.slice(lastColon + 1).includes('.')) {
    const embedded = parseV4(body.slice(lastColon + 1));
    if (embedded === null) return null;
    tail = [embedded >>> 16, embedded & 0xffff];
    body = body.slice(0, lastColon + 1) + '0:0';
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...head, ...rest].some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return null;
  const filled = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (halves.length === 2 ? filled < 1 : head.length !== 8) return null;
  const all = [...head, ...Array<string>(filled).fill('0'), ...rest].map((group) => parseInt(group, 16));
  if (tail.length) all.splice(6, 2, ...tail);
  return all.length === 8 ? all : null;
}

const embeddedV4 = (groups: number[], at: number) => (((groups[at]! << 16) | groups[at + 1]!) >>> 0);

function isPublicV6(g: number[]): boolean {
  const zeroUpTo = (n: number) => g.slice(0, n).every((group) => group === 0);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (the old compatible form) reach IPv4.
  if (zeroUpTo(5) && g[5] === 0xffff) return isPublicV4(embeddedV4(g, 6));
  if (zeroUpTo(6)) return false; // ::, ::1 and the compatible form
  // 64:ff9b::/96, the well-known NAT64 prefix, translates to the embedded IPv4 address.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((group) => group === 0)) return isPublicV4(embeddedV4(g, 6));
  // 2002::/16, 6to4: the IPv4 address follows the prefix.
  if (g[0] === 0x2002) return isPublicV4(embeddedV4(g, 1));
  // Global unicast is 2000::/3; everything else (ULA fc00::/7, link-local fe80::/10, multicast ff00::/8, …) is not public.
  if ((g[0]! & 0xe000) !== 0x2000) return false;
  // Inside it: 2001::/23 (IETF protocol assignments, Teredo 2001::/32 among them) and documentation 2001:db8::/32, 3fff::/20.
  if (g[0] === 0x2001 && g[1]! < 0x200) return false;
  if (g[0] === 0x2001 && g[1] === 0xdb8) return false;
  if (g[0] === 0x3fff && g[1]! < 0x1000) return false;
  return true;
}

/** Whether a literal IP address is a public unicast address a webhook may reach. Anything unparsable is not. */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) {
    const parsed = parseV4(bare);
    return parsed !== null && isPublicV4(parsed);
  }
  if (family === 6) {
    const groups = parseV6(bare);
    return groups !== null && isPublicV6(groups);
  }
  return false;
}

export const endpointUrlProblems = ['invalid', 'scheme', 'credentials', 'port', 'too_long'] as const;
export type EndpointUrlProblem = (typeof endpointUrlProblems)[number];

const localhostNames = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a URL's host names this machine, for the http-in-development exception. */
export function isLocalhost(url: URL): boolean {
  return localhostNames.has(url.hostname) || url.hostname.endsWith('.localhost');
}

/**
 * The form of an endpoint URL, before any name is resolved: https (http only
 * for localhost when `allowHttpLocalhost`), no user or password in it, a
 * usual port, at most 2,000 characters.
 */
export function checkEndpointUrl(text: string, options: { allowHttpLocalhost: boolean }): { ok: true; url: URL } | { ok: false; problem: EndpointUrlProblem } {
  if (text.length > 2000) return { ok: false, problem: 'too_long' };
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, problem: 'invalid' };
  }
  const httpAllowed = url.protocol === 'http:' && options.allowHttpLocalhost && isLocalhost(url);
  if (url.protocol !== 'https:' && !httpAllowed) return { ok: false, problem: 'scheme' };
  if (url.username || url.password) return { ok: false, problem: 'credentials' };
  if (!url.hostname) return { ok: false, problem: 'invalid' };
  if (url.port && !httpAllowed && Number(url.port) < 1024 && url.port !== '443') return { ok: false, problem: 'port' };
  url.hash = '';
  return { ok: true, url };
}
