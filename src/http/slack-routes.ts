import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** One request Bolt's receiver serves: anything else must never reach it. */
export interface SlackRoute {
  method: 'GET' | 'POST';
  path: string;
}

/** Bolt's HTTP receiver as Pacer's server mounts it: its handler and the exact routes it owns. */
export interface SlackHttpListener {
  handle: RequestListener;
  routes: readonly SlackRoute[];
}

export type SlackRouting = { kind: 'bolt' } | { kind: 'method_not_allowed'; allow: string } | { kind: 'not_slack' };

/**
 * Decides whether a request goes to Bolt. Bolt throws on any path or method it does not serve
 * (HTTPReceiverDeferredRequestError), and it normalises `..` itself, so only the exact raw paths
 * it owns are handed over; every other request stays with Pacer's router (404/405).
 */
export function routeSlackRequest(listener: SlackHttpListener | undefined, method: string | undefined, url: string | undefined): SlackRouting {
  if (!listener || !url) return { kind: 'not_slack' };
  const path = url.split('?', 1)[0];
  const owned = listener.routes.filter((r) => r.path === path);
  if (owned.length === 0) return { kind: 'not_slack' };
  if (owned.some((r) => r.method === method?.toUpperCase())) return { kind: 'bolt' };
  return { kind: 'method_not_allowed', allow: owned.map((r) => r.method).join(', ') };
}

/** Runs Bolt's handler so that nothing it throws while starting a request can end the process. */
export function handleSlackRequest(listener: SlackHttpListener, req: IncomingMessage, res: ServerResponse, onError: (err: unknown) => void): void {
  try {
    listener.handle(req, res);
  } catch (err) {
    onError(err);
    if (!res.headersSent) writeJsonError(req, res, 500, 'internal_error', 'Pacer could not process the Slack request; it was logged.');
    else res.end();
  }
}

/**
 * A JSON error written on the raw response, with its length: without one, Node frames a HEAD
 * response as chunked and a keep-alive client then misreads the connection.
 */
export function writeJsonError(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  // The request body is not wanted; read it off the connection so the next request parses clean.
  req.resume();
  const body = Buffer.from(JSON.stringify({ error: { code, message } }));
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) });
  res.end(body);
}
