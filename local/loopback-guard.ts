// The embedded HTTP endpoints (DynamoDB, Route 53) check no signature, so the
// loopback address is their only fence, and a web page can cross it: by DNS
// rebinding (its own name, re-pointed at 127.0.0.1, reaches the port as
// same-origin) or directly (dynalite answers every CORS preflight with "*").
// So a request is served only when addressed to the host the endpoint serves,
// and only when no browser made it: browsers send Origin with every
// cross-origin request and every POST; the SDKs and the AWS CLI never do.

import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The endpoint's own URL origin, as clients are told to use it. */
function servedOrigin(address: AddressInfo): string {
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}

/** Why the endpoint at `served` must not serve this request, or undefined to serve it. */
function refusalOf(request: IncomingMessage, served: AddressInfo): string | undefined {
  const origin = servedOrigin(served);
  if (request.headers.origin !== undefined) {
    return `requests from web pages (Origin: ${request.headers.origin}) are refused: this lab endpoint serves the AWS SDKs and CLI only`;
  }
  let addressed: URL | undefined;
  try {
    addressed = new URL(`http://${request.headers.host ?? ''}`);
  } catch {
    addressed = undefined;
  }
  const ownNames = [new URL(origin).hostname, ...(isLoopback(served.address) ? ['localhost'] : [])];
  const ownName = addressed !== undefined && ownNames.includes(addressed.hostname) && Number(addressed.port || 80) === served.port;
  return ownName ? undefined : `this lab endpoint answers only requests to ${origin} (the request was addressed to ${request.headers.host ?? 'no host'})`;
}

/** Puts the check in front of a server's request listeners; a refused request gets `refuse(response, why)`. */
export function guardLoopback(server: Server, refuse: (response: ServerResponse, why: string) => void): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  // Kept once known: a closing server's address() is null, and a kept-alive connection may still send a request then.
  let served: AddressInfo | undefined;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    served ??= (server.address() as AddressInfo | null) ?? undefined;
    const why = served ? refusalOf(request, served) : 'this lab endpoint is shutting down';
    if (why === undefined) {
      for (const listener of listeners) listener.call(server, request, response);
      return;
    }
    response.setHeader('Connection', 'close'); // its body is never read
    refuse(response, why);
  });
}
