/**
 * One short-lived LDAP connection per operation, with TLS set up safely and everything closed.
 *
 * Protects: the lookup and user passwords in transit, and the process (no hung sockets).
 * Construction: ldaps:// or ldap:// + StartTLS before any bind; plain only for transport 'plain'
 * (SERVER_INSECURE). Certificates are verified against the system CAs + the configured CA file
 * + the certs dir's CAs, for the configured host name (IP SANs for an IP); TLS ≥ 1.2.
 * tlsSkipVerify turns verification off (the provider warns once). Timeouts: ldapts' connect and
 * per-operation timers, plus an overall deadline; on exit the client unbinds and every socket it
 * opened is destroyed, whatever happened (an open socket would keep Node alive).
 */
import { connect as netConnect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import type { LdapProviderSettings } from './settings.js';

export function tlsOptions(settings: LdapProviderSettings, extraCa: readonly string[]): ConnectionOptions {
  return {
    ca: [...rootCertificates, ...settings.caPems, ...extraCa],
    rejectUnauthorized: !settings.tlsSkipVerify,
    host: settings.host,
    ...(isIP(settings.host) === 0 ? { servername: settings.host } : {}),
    minVersion: 'TLSv1.2',
  };
}

export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** Runs `fn` on a fresh connection (TLS negotiated, not yet bound) and always tears it down. */
export async function withConnection<T>(settings: LdapProviderSettings, tls: ConnectionOptions, fn: (client: Client) => Promise<T>): Promise<T> {
  const host = isIP(settings.host) === 6 ? `[${settings.host}]` : settings.host;
  const sockets: Socket[] = [];
  const track = <S extends Socket>(s: S): S => {
    sockets.push(s);
    return s;
  };
  const client = new Client({
    url: `${settings.transport === 'ldaps' ? 'ldaps' : 'ldap'}://${host}:${settings.port}`,
    timeout: settings.timeoutMs,
    connectTimeout: settings.timeoutMs,
    // ldapts speaks TLS from the first byte whenever tlsOptions is set, even on ldap://
    ...(settings.transport === 'ldaps' ? { tlsOptions: tls } : {}),
    strictDN: false,
    createConnection: ((...args: Parameters<typeof netConnect>) => track(netConnect(...args))) as typeof netConnect,
    createSecureConnection: ((...args: Parameters<typeof tlsConnect>) => track(tlsConnect(...args))) as typeof tlsConnect,
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError('LDAP operation deadline passed')), settings.timeoutMs * 4);
  });
  try {
    return await Promise.race([
      (async () => {
        if (settings.transport === 'starttls') await client.startTLS({ ...tls });
        return fn(client);
      })(),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
    await Promise.race([client.unbind().catch(() => undefined), new Promise((r) => setTimeout(r, 200).unref())]);
    for (const socket of sockets) socket.destroy();
  }
}
