/**
 * An OpenID provider's discovery document, reduced to what token verification needs: the
 * issuer (compared exactly with every token's `iss`) and the JWKS address. Both are mandatory;
 * the JWKS address must itself be fetchable under the provider's transport rules (https, or
 * http to loopback), so a discovery document cannot point key fetching at plain http.
 */
import { checkFetchable, FetchError, fetchJson, type FetchOptions } from './fetch.js';

export interface Discovery {
  readonly issuer: string;
  readonly jwksUri: string;
}

export async function fetchDiscovery(configUrl: string, options: FetchOptions): Promise<Discovery> {
  const doc = await fetchJson(configUrl, options);
  const { issuer, jwks_uri: jwksUri } = doc;
  if (typeof issuer !== 'string' || issuer === '' || issuer.length > 2048) throw new FetchError('discovery document: no issuer');
  if (typeof jwksUri !== 'string' || jwksUri === '') throw new FetchError('discovery document: no jwks_uri');
  let url: URL;
  try {
    url = new URL(jwksUri);
  } catch {
    throw new FetchError('discovery document: jwks_uri is not a URL');
  }
  checkFetchable(url, options);
  return Object.freeze({ issuer, jwksUri: url.href });
}
