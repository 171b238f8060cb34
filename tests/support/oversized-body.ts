import http from 'node:http';

export interface OversizedAnswer {
  /** 0 when the connection failed before any answer. */
  status: number;
  connection: string | undefined;
  contentType: string | undefined;
  body: string;
  /** Bytes of body the client had written when the answer came (or when it gave up). */
  sent: number;
  error?: string;
}

/**
 * Posts a body of up to `size` bytes, written 64 KB at a time from one
 * reused buffer (the client itself allocates nothing per chunk), and stops
 * writing as soon as the server answers. `declaredLength` sends a
 * Content-Length (true or not); without it the body goes chunked.
 */
export function postOversized(
  url: string,
  options: { size: number; headers?: Record<string, string>; declaredLength?: number; prefix?: string; timeoutMs?: number },
): Promise<OversizedAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', ...options.headers };
  if (options.declaredLength !== undefined) headers['Content-Length'] = String(options.declaredLength);
  else headers['Transfer-Encoding'] = 'chunked';
  const filler = Buffer.alloc(64 * 1024, 'a');
  return new Promise((resolve) => {
    let sent = 0;
    let answered = false;
    let settled = false;
    const finish = (answer: OversizedAnswer) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        request.destroy();
        resolve(answer);
      }
    };
    // A server that waits for the rest of a body that never comes answers nothing.
    const timer = setTimeout(
      () => finish({ status: 0, connection: undefined, contentType: undefined, body: '', sent, error: 'no answer in time' }),
      options.timeoutMs ?? 15_000,
    );
    const request = http.request(url, { method: 'POST', headers, agent: false }, (response) => {
      answered = true;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (text: string) => (body = (body + text).slice(0, 2000)));
      const done = (error?: Error) =>
        finish({ status: response.statusCode ?? 0, connection: response.headers.connection, contentType: response.headers['content-type'], body, sent, ...(error ? { error: String(error) } : {}) });
      response.on('end', () => done());
      response.on('error', done);
    });
    // Writes after the server closed fail with EPIPE or a reset; what counts is whether an answer came first.
    request.on('error', (error) => {
      if (!answered) finish({ status: 0, connection: undefined, contentType: undefined, body: '', sent, error: String(error) });
    });
    const pump = () => {
      while (!answered && !request.destroyed && sent < options.size) {
        const chunk = sent === 0 && options.prefix ? Buffer.concat([Buffer.from(options.prefix), filler]) : filler;
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!answered && !request.destroyed && options.declaredLength === undefined) request.end();
    };
    pump();
  });
}
