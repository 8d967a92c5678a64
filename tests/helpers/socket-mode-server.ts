import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Slack's side of Socket Mode on 127.0.0.1, for wiring tests of the real SocketModeReceiver:
 * `apps.connections.open` (mounted on a local Slack server, so it answers at SLACK_API_URL) hands
 * out single-use `ws://` URLs; the WebSocket server greets each connection with `hello`, delivers
 * envelopes and records what the app sends back (acknowledgements).
 *
 * The protocol, as Slack documents it (docs.slack.dev, "Using Socket Mode"):
 * - apps.connections.open takes the app-level token (xapp-…) and answers `{ ok, url }`, a
 *   `wss://wss-primary.slack.com/link/?ticket=…&app_id=…` URL good for one connection;
 * - on connect Slack sends `{ type: 'hello', num_connections, debug_info: { host, build_number,
 *   approximate_connection_time }, connection_info: { app_id } }`;
 * - payloads come as `{ envelope_id, type: 'events_api' | 'slash_commands' | 'interactive',
 *   payload, accepts_response_payload, retry_attempt?, retry_reason? }`, and the app acknowledges
 *   each with `{ envelope_id, payload? }` (the payload being the answer, when accepted);
 * - `{ type: 'disconnect', reason: 'warning' | 'refresh_requested' | 'link_disabled' |
 *   'too_many_websockets', debug_info: { host } }` asks the app to reconnect (or stop).
 */

/** An envelope as Slack delivers it over the socket. */
export interface SocketModeEnvelope {
  envelope_id: string;
  type: 'events_api' | 'slash_commands' | 'interactive';
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** What the app sends back for an envelope. */
export interface SocketModeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/** One apps.connections.open call, as received and answered. */
export interface ConnectionsOpenCall {
  /** The bearer token, or '' when none was sent. */
  token: string;
  contentType: string | undefined;
  response: { ok: boolean; url?: string; error?: string };
}

export interface SocketConnection {
  /** The ticket of the URL the app connected with (from an apps.connections.open answer). */
  ticket: string;
  /** Text frames the app sent, parsed, with their arrival time (performance.now()). */
  received: { at: number; message: any }[];
  /** Settles when the connection is gone: the close code and reason the server saw. */
  closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
}

interface Connection extends SocketConnection {
  socket: WebSocket;
  waiters: Set<() => void>;
}

export class LocalSocketMode {
  readonly opens: ConnectionsOpenCall[] = [];
  private readonly live: Connection[] = [];
  /** Tickets handed out and not used yet. */
  private readonly tickets = new Set<string>();
  /** Connection attempts refused (unknown or reused ticket, wrong path). */
  readonly refused: string[] = [];

  private readonly wss: WebSocketServer;

  private constructor(private readonly options: { appToken: string; appId: string }) {
    this.wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      // Like Slack, a URL is good for one connection only.
      verifyClient: (info, done) => {
        const url = new URL(info.req.url ?? '/', 'ws://local');
        if (url.pathname !== '/link/' || !this.tickets.delete(url.searchParams.get('ticket') ?? '')) {
          this.refused.push(info.req.url ?? '');
          done(false, 401, 'invalid ticket');
          return;
        }
        done(true);
      },
    });
    this.wss.on('connection', (socket, request) => this.accept(socket, new URL(request.url ?? '/', 'ws://local').searchParams.get('ticket') ?? ''));
  }

  static async start(options: { appToken: string; appId: string }): Promise<LocalSocketMode> {
    const server = new LocalSocketMode(options);
    await new Promise<void>((resolve, reject) => {
      server.wss.once('listening', resolve);
      server.wss.once('error', reject);
    });
    return server;
  }

  get port(): number {
    return (this.wss.address() as AddressInfo).port;
  }

  /** Every connection accepted so far, open or closed, in order. */
  get connections(): readonly SocketConnection[] {
    return this.live;
  }

  /** How many connections the server holds open now. */
  get openCount(): number {
    return this.wss.clients.size;
  }

  /**
   * Adds `POST /api/apps.connections.open` to a local Slack server's Fastify app (before it
   * listens): the app token gets a fresh URL; anything else gets Slack's error.
   */
  mount(app: FastifyInstance): void {
    void app.register(async (scope) => {
      // WebClient posts form-encoded bodies; this method takes no arguments, so any body will do.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      scope.post('/api/apps.connections.open', async (request) => {
        const header = request.headers.authorization ?? '';
        const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
        const response = this.connectionsOpen(token);
        this.opens.push({ token, contentType: request.headers['content-type'], response });
        return response;
      });
    });
  }

  private connectionsOpen(token: string): ConnectionsOpenCall['response'] {
    if (!token) return { ok: false, error: 'not_authed' };
    if (token !== this.options.appToken) return { ok: false, error: token.startsWith('xapp-') ? 'invalid_auth' : 'not_allowed_token_type' };
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return { ok: true, url: `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}&app_id=${this.options.appId}` };
  }

  private accept(socket: WebSocket, ticket: string): void {
    let open = true;
    const connection: Connection = {
      ticket,
      socket,
      received: [],
      waiters: new Set(),
      isOpen: () => open,
      closed: new Promise((resolve) => {
        socket.once('close', (code, reason) => {
          open = false;
          resolve({ code, reason: reason.toString() });
          for (const wake of connection.waiters) wake();
        });
      }),
    };
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = JSON.parse((data as Buffer).toString('utf8'));
      } catch {
        message = { unparsable: (data as Buffer).toString('utf8') };
      }
      connection.received.push({ at: performance.now(), message });
      for (const wake of connection.waiters) wake();
    });
    this.live.push(connection);
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.wss.clients.size,
        debug_info: { host: 'applink-local', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.options.appId },
      }),
    );
  }

  /** The one open connection (deliveries go there, as Slack picks one of the app's connections). */
  private current(): Connection {
    const open = this.live.filter((c) => c.isOpen());
    if (open.length !== 1) throw new Error(`Expected one open Socket Mode connection, found ${open.length}.`);
    return open[0]!;
  }

  /**
   * Sends an envelope to the open connection. `ack(ms)` resolves with the app's acknowledgement of
   * this envelope id and how long it took, or rejects after `ms`.
   */
  deliver(
    type: SocketModeEnvelope['type'],
    payload: Record<string, unknown>,
    extra: Partial<Pick<SocketModeEnvelope, 'accepts_response_payload' | 'retry_attempt' | 'retry_reason'>> = {},
  ): { envelope: SocketModeEnvelope; ack(ms: number): Promise<{ ack: SocketModeAck; ms: number }> } {
    const connection = this.current();
    const envelope: SocketModeEnvelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: extra.accepts_response_payload ?? type !== 'events_api',
      ...(type === 'events_api' ? { retry_attempt: extra.retry_attempt ?? 0, retry_reason: extra.retry_reason ?? '' } : {}),
    };
    const sentAt = performance.now();
    connection.socket.send(JSON.stringify(envelope));
    return {
      envelope,
      ack: (ms) =>
        this.waitFor(connection, ms, `the acknowledgement of envelope ${envelope.envelope_id}`, () => {
          const found = connection.received.find((r) => (r.message as { envelope_id?: unknown }).envelope_id === envelope.envelope_id);
          return found ? { ack: found.message as SocketModeAck, ms: found.at - sentAt } : undefined;
        }),
    };
  }

  /** Sends Slack's `disconnect` message to the open connection. */
  disconnect(reason: 'warning' | 'refresh_requested' | 'link_disabled' | 'too_many_websockets'): void {
    this.current().socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-local' } }));
  }

  private waitFor<T>(connection: Connection, ms: number, what: string, probe: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        connection.waiters.delete(check);
        settle();
      };
      const check = () => {
        const value = probe();
        if (value !== undefined) finish(() => resolve(value));
        else if (!connection.isOpen()) finish(() => reject(new Error(`The connection closed before ${what}.`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`))), ms);
      connection.waiters.add(check);
      check();
    });
  }

  /** Drops any connection still open and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve, reject) => this.wss.close((err) => (err ? reject(err) : resolve())));
  }
}
