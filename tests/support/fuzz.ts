import http from 'node:http';
import type { Random } from './security';

// Malformed requests for the fuzzing test (tests/integration/security-fuzz.test.ts):
// every mutation starts from a form the app itself renders (or a valid API
// body), so the broken request gets past the first checks and reaches the
// code behind them.

export type Pairs = Array<[string, string]>;

export interface FuzzBody {
  /** What was done to the request, printed with a failure. */
  what: string;
  body: BodyInit;
  headers: Record<string, string>;
}

/** The forms a page posts (method="post"), as name/value pairs; one variant per named submit button. */
export function pageForms(html: string): Array<{ action: string | null; pairs: Pairs }> {
  const forms: Array<{ action: string | null; pairs: Pairs }> = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attributes = match[1]!;
    if (!/method="post"/i.test(attributes)) continue;
    const action = /action="([^"]*)"/.exec(attributes)?.[1]?.replace(/&amp;/g, '&') ?? null;
    const inner = match[2]!;
    const pairs: Pairs = [];
    const seenChoice = new Set<string>();
    for (const input of inner.matchAll(/<input\b([^>]*)>/gi)) {
      const name = attr(input[1]!, 'name');
      if (!name) continue;
      const type = (attr(input[1]!, 'type') ?? 'text').toLowerCase();
      if (type === 'submit' || type === 'file') continue;
      if ((type === 'radio' || type === 'checkbox') && seenChoice.has(name)) continue;
      seenChoice.add(name);
      pairs.push([name, attr(input[1]!, 'value') ?? (type === 'email' ? 'someone@example.com' : 'x')]);
    }
    for (const textarea of inner.matchAll(/<textarea\b([^>]*)>([^<]*)<\/textarea>/gi)) {
      const name = attr(textarea[1]!, 'name');
      if (name) pairs.push([name, textarea[2] || 'text']);
    }
    for (const select of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const name = attr(select[1]!, 'name');
      const option = /<option\b[^>]*value="([^"]*)"/.exec(select[2]!)?.[1];
      if (name) pairs.push([name, option ?? '']);
    }
    const buttons = [...inner.matchAll(/<button\b([^>]*)>/gi)].map((button) => [attr(button[1]!, 'name'), attr(button[1]!, 'value')] as const);
    const named = buttons.filter(([name]) => name);
    if (named.length === 0) forms.push({ action, pairs });
    for (const [name, value] of named) forms.push({ action, pairs: [...pairs, [name!, value ?? '']] });
  }
  return forms;
}

function attr(attributes: string, name: string): string | undefined {
  const value = new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(attributes)?.[1];
  return value?.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** Values of the wrong kind for any field. */
const oddValues = [
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '99999999999999999999999999',
  '3.14159',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '{"$gt":""}',
  '🙂🙃',
  '\u202eevil',
  '<script>alert(1)</script>',
  "' or 1=1 --",
  "'; drop table customers; --",
  '../../../../etc/passwd',
  '%00',
  '\u0001\u0002\u001f',
  'line\r\nbreak',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-fffffffffffg',
  '2026-Q5',
  '2026-13-45T99:99:99Z',
  'not-an-email',
  'a@b',
  'x'.repeat(300),
  'ä'.repeat(5000),
];

/** Invalid UTF-8 byte sequences: a lone continuation byte, an overlong encoding, a truncated sequence, a surrogate, 0xFF. */
const badUtf8 = [Buffer.from([0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff, 0xfe])];

function urlencoded(pairs: Pairs): string {
  return new URLSearchParams(pairs).toString();
}

/** Applies one kind of damage, chosen by the seeded random source, to a form the app renders. */
export function mutateForm(random: Random, base: Pairs): FuzzBody {
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const pairs = base.map(([name, value]) => [name, value] as [string, string]);
  const field = () => (pairs.length > 0 ? random.int(pairs.length) : -1);
  switch (random.int(13)) {
    case 0: {
      const i = field();
      const value = random.pick(oddValues);
      if (i >= 0) pairs[i]![1] = value;
      else pairs.push(['intent', value]);
      return { what: `wrong value ${JSON.stringify(value.slice(0, 40))} for ${pairs[i]?.[0] ?? 'intent'}`, body: urlencoded(pairs), headers: form };
    }
    case 1: {
      const i = field();
      const size = random.pick([70 * 1024, 1024 * 1024]);
      if (i >= 0) pairs[i]![1] = 'y'.repeat(size);
      else pairs.push(['huge', 'y'.repeat(size)]);
      return { what: `a ${size}-byte value`, body: urlencoded(pairs), headers: form };
    }
    case 2: {
      // Invalid UTF-8 inside a value, percent-encoded as a browser would send raw bytes.
      const bytes = random.pick(badUtf8);
      const i = field();
      const encoded = pairs.map(([name, value], index) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}${index === i ? [...bytes].map((b) => `%${b.toString(16).toUpperCase()}`).join('') : ''}`);
      if (i < 0) encoded.push(`x=${[...bytes].map((b) => `%${b.toString(16)}`).join('')}`);
      return { what: `invalid UTF-8 ${bytes.toString('hex')} in a value`, body: encoded.join('&'), headers: form };
    }
    case 3: {
      // Raw invalid bytes in the body, not percent-encoded.
      const bytes = random.pick(badUtf8);
      const body = Buffer.concat([Buffer.from(`${urlencoded(pairs)}&raw=`), bytes, Buffer.from('&'), bytes, Buffer.from('=1')]);
      return { what: `raw invalid UTF-8 bytes ${bytes.toString('hex')} in the body`, body, headers: form };
    }
    case 4: {
      const kept = pairs.filter(() => random.chance(0.4));
      return { what: `missing fields (kept ${kept.map(([name]) => name).join(', ') || 'none'})`, body: urlencoded(kept), headers: form };
    }
    case 5: {
      const extra: Pairs = [
        ['workspaceId', '00000000-0000-0000-0000-000000000000'],
        ['role', 'owner'],
        ['__proto__', '{"admin":true}'],
        ['constructor[prototype][admin]', 'true'],
        [`field${random.int(1000)}`, random.pick(oddValues)],
      ];
      return { what: 'extra fields', body: urlencoded([...pairs, ...extra]), headers: form };
    }
    case 6: {
      const i = field();
      if (i >= 0) pairs.push([pairs[i]![0], random.pick(oddValues)]);
      return { what: `duplicate field ${pairs[i]?.[0] ?? '(none)'}`, body: urlencoded(random.chance(0.5) ? pairs : [...pairs].reverse()), headers: form };
    }
    case 7: {
      const type = random.pick(['text/plain', 'application/xml', 'application/octet-stream', 'image/png', 'application/x-www-form-urlencoded; charset=utf-16', '']);
      return { what: `Content-Type ${JSON.stringify(type)}`, body: urlencoded(pairs), headers: type ? { 'Content-Type': type } : {} };
    }
    case 8: {
      const variants = [
        { what: 'multipart without its closing boundary', body: `--xyz\r\nContent-Disposition: form-data; name="${pairs[0]?.[0] ?? 'a'}"\r\n\r\nvalue`, type: 'multipart/form-data; boundary=xyz' },
        { what: 'multipart with another boundary', body: `--abc\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--abc--\r\n`, type: 'multipart/form-data; boundary=xyz' },
        { what: 'multipart without a boundary', body: 'garbage', type: 'multipart/form-data' },
        { what: 'multipart part without a name', body: `--xyz\r\nContent-Disposition: form-data\r\n\r\n1\r\n--xyz--\r\n`, type: 'multipart/form-data; boundary=xyz' },
        { what: 'multipart headers only', body: `--xyz\r\nContent-Disposition: form-data; name="a"`, type: 'multipart/form-data; boundary=xyz' },
      ];
      const variant = random.pick(variants);
      return { what: variant.what, body: variant.body, headers: { 'Content-Type': variant.type } };
    }
    case 9: {
      const body = random.chance(0.5) ? JSON.stringify(Object.fromEntries(pairs)) : '{"broken": ';
      return { what: `JSON ${body.length < 20 ? 'cut short' : 'of the form'} where a form is expected`, body, headers: { 'Content-Type': 'application/json' } };
    }
    case 10: {
      // A correct multipart encoding of the form, with one value made odd: the app must read both encodings alike.
      const data = new FormData();
      for (const [name, value] of pairs) data.append(name, value);
      data.append(pairs[0]?.[0] ?? 'x', new Blob([Buffer.from([0xff, 0x00, 0xfe])]), 'file.bin');
      return { what: 'multipart with a file where text is expected', body: data, headers: {} };
    }
    case 11: {
      const i = field();
      if (i >= 0) pairs[i]![1] = `${pairs[i]![1]}\u0000`;
      return { what: 'a NUL character in a value', body: urlencoded(pairs), headers: form };
    }
    default: {
      const body = random.pick(['', '&&&', '=', '==&=', 'a', '%', '%zz=%zz', '&a=1&&b', 'a[b][c]=1']);
      return { what: `a body of ${JSON.stringify(body)}`, body, headers: form };
    }
  }
}

/** Damage to a JSON body for the API. */
export function mutateJson(random: Random, base: Record<string, unknown>): FuzzBody {
  const json = { 'Content-Type': 'application/json' };
  const keys = Object.keys(base);
  const odd = () => random.pick<unknown>([null, 0, -1, 1e308, '', 'x'.repeat(500), true, [], {}, [null], '🙂', '\u0000', { $ne: null }, 'a'.repeat(70_000)]);
  switch (random.int(10)) {
    case 0: {
      const key = random.pick(keys);
      return { what: `${key} as ${JSON.stringify(odd()).slice(0, 40)}`, body: JSON.stringify({ ...base, [key]: odd() }), headers: json };
    }
    case 1: {
      const list = keys.find((key) => Array.isArray(base[key]));
      const items = list ? (base[list] as Array<Record<string, unknown>>) : [];
      const item = { ...(items[0] ?? {}) };
      const field = random.pick(Object.keys(item).length > 0 ? Object.keys(item) : ['x']);
      item[field] = odd();
      return { what: `${list}[0].${field} of the wrong kind`, body: JSON.stringify({ ...base, ...(list ? { [list]: [item] } : {}) }), headers: json };
    }
    case 2:
      return { what: 'a 1 MB string', body: JSON.stringify({ ...base, [random.pick(keys)]: 'z'.repeat(1024 * 1024) }), headers: json };
    case 3: {
      const bytes = random.pick(badUtf8);
      return { what: `invalid UTF-8 ${bytes.toString('hex')} in a string`, body: Buffer.concat([Buffer.from('{"'), Buffer.from(keys[0] ?? 'a'), Buffer.from('": "'), bytes, Buffer.from('"}')]), headers: json };
    }
    case 4: {
      const kept = Object.fromEntries(Object.entries(base).filter(() => random.chance(0.4)));
      return { what: 'missing fields', body: JSON.stringify(kept), headers: json };
    }
    case 5:
      return { what: 'extra fields', body: JSON.stringify({ ...base, workspaceId: '00000000-0000-0000-0000-000000000000', __proto__: { admin: true }, extra: 1 }), headers: json };
    case 6:
      return { what: 'a duplicate key', body: `${JSON.stringify(base).slice(0, -1)}, "${keys[0]}": null}`, headers: json };
    case 7: {
      const body = random.pick(['', 'null', '[]', '"text"', '42', '{', '{"a":}', '\ufeff{}', '[' .repeat(5000), '{"a":1}{"b":2}']);
      return { what: `a JSON body of ${JSON.stringify(body.slice(0, 20))}`, body, headers: json };
    }
    case 8: {
      const type = random.pick(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', 'application/jsonx', '']);
      return { what: `a form or other type (${JSON.stringify(type)}) where JSON is expected`, body: 'customers=1&period=2026-Q4', headers: type ? { 'Content-Type': type } : {} };
    }
    default: {
      let nested: unknown = base;
      for (let depth = 0; depth < 2000; depth++) nested = { a: nested };
      return { what: 'nesting 2,000 levels deep', body: JSON.stringify(nested), headers: json };
    }
  }
}

export interface RawAnswer {
  /** 0 when the connection failed before an answer came. */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  error?: string;
}

/**
 * A POST on a connection of its own (no keep-alive pool), so an answer the
 * server sends before reading an oversized body cannot disturb the next
 * request. Resolves with the answer even if the upload fails afterwards.
 */
export async function postOnNewConnection(url: string, body: BodyInit, headers: Record<string, string>): Promise<RawAnswer> {
  let bytes: Buffer;
  const allHeaders = { ...headers };
  if (typeof body === 'string') bytes = Buffer.from(body);
  else if (Buffer.isBuffer(body)) bytes = body;
  else {
    // FormData and the like: let the platform encode it, with its multipart boundary.
    const encoded = new Response(body);
    bytes = Buffer.from(await encoded.arrayBuffer());
    allHeaders['Content-Type'] = encoded.headers.get('Content-Type') ?? 'application/octet-stream';
  }
  allHeaders['Content-Length'] = String(bytes.length);
  // As a browser asks: the server must say itself when it cannot keep the connection.
  allHeaders.Connection = 'keep-alive';
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: RawAnswer) => {
      if (!settled) {
        settled = true;
        resolve(answer);
      }
    };
    const request = http.request(url, { method: 'POST', headers: allHeaders, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => finish({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => finish({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), error: String(error) }));
    });
    request.on('error', (error) => finish({ status: 0, headers: {}, body: '', error: String(error) }));
    request.end(bytes);
  });
}
