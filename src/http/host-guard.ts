/**
 * The Host headers of a server that listens on loopback only. A web page can point a name it
 * controls at 127.0.0.1 (DNS rebinding) and then read this server as same-origin; its requests
 * still carry that name in Host, so anything but these three is refused.
 */
export function loopbackHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/** Whether a request's Host header (names are case-insensitive) is one of `allowed`. */
export function isAllowedHost(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  return host !== undefined && allowed.has(host.toLowerCase());
}
