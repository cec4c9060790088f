/** Matches a request path below /coffer/admin/v1 to its endpoint; literal segments win over {params}. */
import { AppError } from '../../core/index.js';
import type { AdminEndpoint } from './endpoint.js';

export const ADMIN_BASE = '/coffer/admin/v1';

interface Compiled {
  endpoint: AdminEndpoint;
  segments: readonly string[];
}

export interface RouteMatch {
  endpoint: AdminEndpoint;
  params: Record<string, string>;
}

export class AdminRouter {
  readonly #routes: Compiled[];

  constructor(endpoints: readonly AdminEndpoint[]) {
    const seen = new Set<string>();
    this.#routes = endpoints.map((endpoint) => {
      const id = `${endpoint.method} ${endpoint.path}`;
      if (seen.has(id)) throw new Error(`admin route declared twice: ${id}`);
      seen.add(id);
      return { endpoint, segments: endpoint.path.split('/').slice(1) };
    });
    // Literal segments before parameters, position by position.
    const rank = (s: readonly string[]): string => s.map((part) => (part.startsWith('{') ? '1' : '0')).join('');
    this.#routes.sort((a, b) => (rank(a.segments) < rank(b.segments) ? -1 : rank(a.segments) > rank(b.segments) ? 1 : 0));
  }

  /** Throws NoSuchEntity for an unknown path and MethodNotAllowed for a known path with another method. */
  match(method: string, rawPath: string): RouteMatch {
    if (!rawPath.startsWith(`${ADMIN_BASE}/`)) throw unknownPath();
    const parts = rawPath.slice(ADMIN_BASE.length + 1).split('/');
    let decoded: string[];
    try {
      decoded = parts.map((part) => decodeURIComponent(part));
    } catch {
      throw new AppError('InvalidURI', { message: "Couldn't parse the specified URI." });
    }
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, decoded);
      if (params === undefined) continue;
      pathMatched = true;
      if (route.endpoint.method === method) return { endpoint: route.endpoint, params };
    }
    if (pathMatched) throw new AppError('MethodNotAllowed', { message: `The method ${method.slice(0, 16)} is not allowed on this resource.` });
    throw unknownPath();
  }
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = parts[i] as string;
    if (want.startsWith('{')) {
      if (got === '') return undefined;
      params[want.slice(1, -1)] = got;
    } else if (want !== got) return undefined;
  }
  return params;
}

function unknownPath(): AppError {
  return new AppError('NoSuchEntity', { message: 'No such admin API endpoint.' });
}
