/** Shared by the oidc tests: settings for a test IdP and a logger that records what it is given. */
import { createHash } from 'node:crypto';
import { Secret } from '../../../core/index.js';
import type { OpenIdLogger } from './providers.js';
import type { OpenIdProviderSettings } from './settings.js';

export const DEFAULT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

export function roleArnOf(clientId: string): string {
  return `arn:minio:iam:::role/${createHash('sha1').update(clientId).digest('base64url')}`;
}

export function settingsFor(
  idp: { discoveryUrl: string; clientId: string; clientSecret: string },
  overrides: Partial<OpenIdProviderSettings> = {},
): OpenIdProviderSettings {
  return {
    name: '_', configUrl: idp.discoveryUrl, clientId: idp.clientId, clientSecret: new Secret(idp.clientSecret),
    claimName: 'policy', scopes: [], algorithms: DEFAULT_ALGORITHMS, allowInsecureHttp: false, ...overrides,
  };
}

export function rolePolicySettings(
  idp: { discoveryUrl: string },
  name: string,
  clientId: string,
  policies: string[],
  overrides: Partial<OpenIdProviderSettings> = {},
): OpenIdProviderSettings {
  return {
    name, configUrl: idp.discoveryUrl, clientId, claimName: 'policy', rolePolicy: policies, roleArn: roleArnOf(clientId),
    scopes: [], algorithms: DEFAULT_ALGORITHMS, allowInsecureHttp: false, ...overrides,
  };
}

export interface RecordingLogger extends OpenIdLogger {
  entries: Array<{ level: string; o: object; m: string }>;
  text(): string;
}

export function recordingLogger(): RecordingLogger {
  const entries: RecordingLogger['entries'] = [];
  const at = (level: string) => (o: object, m: string): void => void entries.push({ level, o, m });
  return { entries, info: at('info'), warn: at('warn'), error: at('error'), text: () => JSON.stringify(entries) };
}

/** A syntactically valid but unsigned-by-anyone RS256 token, for paths that fail before verification. */
export function fakeToken(claims: object = { iss: 'x', sub: 'y', aud: 'z', exp: 2_000_000_000 }): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'nope' })}.${part(claims)}.${Buffer.from('sig').toString('base64url')}`;
}
