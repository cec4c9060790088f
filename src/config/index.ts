export { loadConfig, loadConfigFromProcess, parseAddress, parseWorkers, isLoopbackHost, ConfigError, MAX_WORKERS } from './load.js';
export type { Config, ServerFlags } from './load.js';
export { parseStaticKey } from './kms.js';
export type { KmsConfig } from './kms.js';
export { SETTINGS } from './schema.js';
export type { SettingSpec } from './schema.js';
export type { TlsConfig } from './tls.js';
