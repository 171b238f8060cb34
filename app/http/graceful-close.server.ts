import type { Server, ServerResponse } from 'node:http';

/**
 * Stops a server the way an orderly shutdown needs: no new connections, the
 * requests in flight run to their end, idle keep-alive connections are
 * closed at once (Node would otherwise keep them open until the client
 * drops them), and after `graceMs` whatever is still running is cut off, so
 * a hung request cannot hold up the shutdown for ever. Resolves once every
 * connection is closed; `timedOut` says whether requests had to be cut off.
 */
export function closeGracefully(server: Server, graceMs: number): Promise<{ timedOut: boolean }> {
  return new Promise((resolve) => {
    let timedOut = false;
    // A request that still arrives on an open keep-alive connection is served;
    // its response tells the client to reconnect (and find the server gone).
    const onRequest = (_req: unknown, res: ServerResponse) => {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    };
    server.on('request', onRequest);
    // Connections become idle as their requests finish; close each as soon as it does.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      timedOut = true;
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      server.off('request', onRequest);
      resolve({ timedOut });
    });
    server.closeIdleConnections();
  });
}
