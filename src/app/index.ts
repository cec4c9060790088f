export { startApp } from './build-app.js';
export type { App, AppOptions } from './build-app.js';
export { resolveRootCredentials } from './root-credentials.js';
export { isClusterWorker, runClusterPrimary, runClusterWorker } from './cluster.js';
