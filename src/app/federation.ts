/**
 * Composition of single sign-on: the OpenID providers and the LDAP directory from the
 * configuration, the federation service over them, the periodic directory check (run by the
 * process that runs background jobs: the only process, or the cluster primary) and what the
 * admin API shows of them. Outbound TLS trusts the system CAs plus `<certs>/CAs/`.
 */
import type { Config } from '../config/index.js';
import { createPeriodicJob } from '../background/index.js';
import { LdapIdentityProvider, OpenIdProviders } from '../iam/identity/index.js';
import type { Logger } from '../observability/index.js';
import { FederationService, type IdentityService } from '../services/index.js';
import type { AdminIdpDeps } from '../api/admin/endpoints/index.js';

export interface Federation {
  service: FederationService;
  admin: AdminIdpDeps;
  stop(): Promise<void>;
}

export async function buildFederation(config: Config, identity: IdentityService, logger: Logger, background: boolean): Promise<Federation> {
  const extraCa = [...config.tls.cas];
  const settings = config.identity.openid;
  const openid = settings.length > 0 ? new OpenIdProviders(settings, { logger: logger.child({ component: 'openid' }), extraCa }) : undefined;
  // Never fails for an outage: a provider that is down is retried on first use.
  await openid?.start();
  const ldapSettings = config.identity.ldap;
  const ldap = ldapSettings ? new LdapIdentityProvider(ldapSettings, { logger: logger.child({ component: 'ldap' }), extraCa }) : undefined;
  const certificate = config.identityTls.enabled ? { skipVerify: config.identityTls.skipVerify } : undefined;
  const service = new FederationService({ identity, ldap, openid, certificate, logger: logger.child({ component: 'federation' }) });
  // Users who left the directory lose their sessions within one interval (default 10 min).
  const sync = createPeriodicJob('ldap-sync', () => service.syncLdap(), logger);
  if (background && ldapSettings) sync.start(ldapSettings.syncIntervalSeconds * 1000);
  const admin: AdminIdpDeps = {
    status: () => ({
      ldap: ldapSettings ? { server: `${ldapSettings.host}:${ldapSettings.port}`, tls: ldapSettings.transport, syncIntervalSeconds: ldapSettings.syncIntervalSeconds } : undefined,
      openid: settings.map((p) => ({ name: p.name, issuer: openid?.describe().find((d) => d.name === p.name)?.issuer ?? p.configUrl, clientId: p.clientId, roleArn: p.roleArn, claimName: p.roleArn === undefined ? p.claimName : undefined })),
    }),
    syncLdap: service.ldapEnabled ? () => service.syncLdap() : undefined,
    createLdapAccessKey: service.ldapEnabled ? (dn, input) => service.createLdapAccessKey(dn, input) : undefined,
    listLdapAccessKeys: service.ldapEnabled ? (dn) => service.listLdapAccessKeys(dn) : undefined,
  };
  return { service, admin, stop: () => sync.stop() };
}
