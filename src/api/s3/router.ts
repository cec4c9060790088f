/** Picks the S3 operation for a request from ROUTES; built once into a lookup per method+target. */
import { ROUTES, type RouteEntry, type Target } from './routes.js';

export interface RouteRequest {
  method: string;
  target: Target;
  query: ReadonlyMap<string, string>;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

const TABLE = new Map<string, RouteEntry[]>();
for (const entry of ROUTES) {
  const slot = `${entry.method} ${entry.target}`;
  const list = TABLE.get(slot) ?? [];
  list.push(entry);
  TABLE.set(slot, list);
}

function matches(entry: RouteEntry, request: RouteRequest): boolean {
  if (entry.query !== undefined) {
    const value = request.query.get(entry.query);
    if (value === undefined) return false;
    if (entry.queryValue !== undefined && value !== entry.queryValue) return false;
  }
  if (entry.alsoQuery !== undefined && !request.query.has(entry.alsoQuery)) return false;
  if (entry.header !== undefined && request.headers[entry.header] === undefined) return false;
  return true;
}

/** The operation name, or undefined when the method makes no sense for the target (405). */
export function routeRequest(request: RouteRequest): string | undefined {
  const candidates = TABLE.get(`${request.method} ${request.target}`);
  return candidates?.find((entry) => matches(entry, request))?.name;
}
