/** GET /info: version, uptime and identity counts (admin:ServerInfo). No secrets, paths or environment. */
import type { ListOptions, Page } from '../../../services/index.js';
import type { AdminEndpoint } from '../endpoint.js';
import { noBody, queryParams } from '../input.js';

async function count<T>(list: (options: ListOptions) => Promise<Page<T>>): Promise<number> {
  let total = 0;
  let marker: string | undefined;
  do {
    const page = await list({ marker, maxItems: 1000 });
    total += page.items.length;
    marker = page.marker;
  } while (marker !== undefined);
  return total;
}

const serverInfo: AdminEndpoint = {
  name: 'ServerInfo',
  method: 'GET',
  path: '/info',
  plan({ body, query }, { identity, server, now }) {
    noBody(body);
    queryParams(query, []);
    return {
      checks: [{ action: 'admin:ServerInfo' }],
      run: async () => ({
        status: 200,
        body: {
          version: server.version,
          region: server.region,
          uptimeSeconds: Math.max(0, Math.floor((now.getTime() - server.startedAt.getTime()) / 1000)),
          counts: {
            users: await count((o) => identity.listUsers(o)),
            groups: await count((o) => identity.listGroups(o)),
            policies: await count((o) => identity.listPolicies(o)),
            roles: await count((o) => identity.listRoles(o)),
          },
        },
      }),
    };
  },
};

export const INFO_ENDPOINTS: readonly AdminEndpoint[] = [serverInfo];
