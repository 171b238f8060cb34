import http from 'node:http';
import type { MissUsAnswer } from '../../db/schema';

const values: MissUsAnswer[] = ['very', 'somewhat', 'not', 'na'];

/**
 * Customers answering the first survey step (miss-us) at once, one invitation
 * after another, until stopped or until the server stops answering. Records
 * every answer the server acknowledged with its 303.
 */
export function answerContinuously(base: string, tokens: string[], parallel = 3) {
  const acknowledged = new Map<string, MissUsAnswer>();
  let next = 0;
  let stopped = false;
  const lane = async () => {
    while (!stopped && next < tokens.length) {
      const index = next++;
      const token = tokens[index]!;
      const value = values[index % values.length]!;
      try {
        const response = await fetch(`${base}/s/${token}?step=0`, {
          method: 'POST',
          body: new URLSearchParams({ step: '0', intent: 'next', lang: 'en', miss_us: value }),
          headers: { Origin: base },
          redirect: 'manual',
        });
        await response.arrayBuffer();
        if (response.status === 303) acknowledged.set(token, value);
      } catch {
        return; // The server has gone: this lane is done.
      }
    }
  };
  const lanes = Array.from({ length: parallel }, lane);
  return {
    acknowledged,
    stop: async () => {
      stopped = true;
      await Promise.all(lanes);
    },
    done: Promise.all(lanes),
  };
}

/**
 * A survey answer whose body arrives in two parts: it is in flight from the
 * moment the first part is sent until `finish()` sends the rest. Resolves
 * with the status the server answered (0 if the connection was dropped).
 */
export function slowAnswer(base: string, token: string, value: MissUsAnswer) {
  const body = new URLSearchParams({ step: '0', intent: 'next', lang: 'en', miss_us: value }).toString();
  const url = new URL(`${base}/s/${token}?step=0`);
  let finish = () => {};
  let started: () => void = () => {};
  const sent = new Promise<void>((resolve) => (started = resolve));
  const status = new Promise<number>((resolve) => {
    // "Expect: 100-continue": the server answers "100 Continue" once it has read the
    // headers and handed the request on, so `sent` means the server is working on it,
    // not merely that the connection waits in its backlog (a busy server may not have
    // accepted it yet, and a stopping one closes its backlog).
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', () => resolve(0));
    request.on('continue', () => {
      request.write(body.slice(0, 10));
      started();
    });
    request.flushHeaders();
    finish = () => request.end(body.slice(10));
  });
  // `sent`: the server has the request and the first part of its body is on its way.
  return { status, sent, finish: () => finish() };
}
