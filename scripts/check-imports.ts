/**
 * Import-boundary lint (run by `npm test` and CI). Enforces ARCHITECTURE.md:
 *  - dependencies point inward: each layer may import only the layers listed in RULES;
 *  - no deep imports: a module outside a folder enters it through that folder's index.ts
 *    (storage/ports.ts is the storage port and may be imported directly);
 *  - storage, KMS, crypto, domain, IAM and services never import node:http(s) or an XML library.
 * Written in-house: dependency-cruiser's current release needs Node 22 (docs/adr/0003).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const SRC = join(ROOT, 'src');

/** Layer → layers it may import (besides itself). Longest matching prefix names the layer. */
const RULES: Record<string, string[]> = {
  'core': [],
  'config': ['core'],
  'observability': ['core'],
  'domain': ['core'],
  'iam/policy': ['core'],
  'iam/credentials': ['core'],
  'iam/authorizer': ['iam/policy', 'iam/credentials', 'domain', 'core'],
  'iam/identity': ['iam/policy', 'iam/credentials', 'core'],
  'kms': ['core'],
  'crypto': ['kms', 'core'],
  // The storage port, split in four files; other layers import storage/ports.ts, which re-exports the rest.
  'storage/ports.ts': ['storage/ports-uploads.ts', 'storage/ports-iam.ts', 'storage/ports-rotation.ts', 'core'],
  'storage/ports-rotation.ts': ['storage/ports.ts', 'core'],
  'storage/ports-uploads.ts': ['storage/ports.ts', 'core'],
  'storage/ports-iam.ts': ['core'],
  'storage': ['storage/ports.ts', 'core'],
  'services': ['domain', 'iam/policy', 'iam/credentials', 'iam/authorizer', 'iam/identity', 'crypto', 'kms', 'storage/ports.ts', 'core', 'observability'],
  'services/iam/tests': ['services', 'storage', 'storage/ports.ts', 'iam/policy', 'iam/credentials', 'iam/authorizer', 'core'],
  'background': ['services', 'storage/ports.ts', 'core', 'observability'],
  'replication': ['services', 'storage/ports.ts', 'domain', 'core', 'observability'],
  'api/http': ['core', 'observability'],
  'api/common': ['iam/credentials', 'core'],
  'api/s3': ['api/common', 'services', 'iam/authorizer', 'iam/credentials', 'domain', 'storage/ports.ts', 'core', 'observability'],
  'api/query': ['api/common', 'services', 'iam/authorizer', 'iam/credentials', 'domain', 'storage/ports.ts', 'core', 'observability'],
  'api/admin': ['api/common', 'services', 'iam/authorizer', 'iam/credentials', 'core', 'observability'],
  'app': ['*'],
  'main.ts': ['app', 'config', 'core'],
};

const NO_HTTP_OR_XML = ['storage', 'kms', 'crypto', 'domain', 'iam', 'services', 'core', 'config'];
const FORBIDDEN_PACKAGES = ['node:http', 'node:https', 'http', 'https', 'saxes'];
/** The KES client must speak HTTPS to its KMS: node:https (and node:tls) only, and only in
 * src/kms/kes/ — the rest of kms/ stays free of HTTP. node:http stays forbidden there too. */
const HTTPS_ALLOWED: Record<string, string[]> = {
  'src/kms/kes/': ['node:https', 'node:tls'],
  // The OpenID provider fetches discovery documents and JWKS (oidc/fetch.ts): https, plus plain
  // http only to loopback hosts (a local IdP, the tests) or where the operator set
  // COFFER_IDENTITY_OPENID_ALLOW_INSECURE — hence node:http here and nowhere else in iam/.
  'src/iam/identity/oidc/': ['node:https', 'node:tls', 'node:http'],
};

function layerOf(path: string): string {
  const rel = relative(SRC, path).split(sep).join('/');
  let best = '';
  for (const layer of Object.keys(RULES)) {
    if ((rel === layer || rel.startsWith(`${layer}/`)) && layer.length > best.length) best = layer;
  }
  return best || rel.split('/')[0] || rel;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

const problems: string[] = [];
for (const file of walk(SRC)) {
  const source = readFileSync(file, 'utf8');
  const from = layerOf(file);
  const isTest = file.endsWith('.test.ts') || file.includes(`${sep}contract${sep}`);
  for (const match of source.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? '';
    const where = `${relative(ROOT, file)} imports '${spec}'`;
    if (!spec.startsWith('.')) {
      const rel = relative(ROOT, file).split(sep).join('/');
      const excepted = Object.entries(HTTPS_ALLOWED).some(([dir, specs]) => rel.startsWith(dir) && specs.includes(spec));
      if (!excepted && FORBIDDEN_PACKAGES.includes(spec) && NO_HTTP_OR_XML.some((l) => from === l || from.startsWith(`${l}/`))) {
        problems.push(`${where}: ${from} must not use HTTP or XML`);
      }
      continue;
    }
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    // Tests next to the code may start their real peers (slapd, oidc-provider) with test/helpers.
    const testHelper = isTest && target.startsWith(join(ROOT, 'test', 'helpers') + sep);
    if (!target.startsWith(SRC) && !testHelper) {
      problems.push(`${where}: reaches outside src/`);
      continue;
    }
    if (testHelper) continue;
    const to = layerOf(target);
    const allowed = RULES[from] ?? [];
    if (to !== from && !allowed.includes('*') && !allowed.includes(to)) {
      problems.push(`${where}: ${from} may not depend on ${to}`);
    }
    const targetDir = dirname(target);
    const sameFolder = dirname(file) === targetDir || dirname(file).startsWith(targetDir + sep);
    const entersByIndex = target.endsWith(`${sep}index.ts`) || to === 'storage/ports.ts';
    if (!isTest && !sameFolder && !entersByIndex) problems.push(`${where}: deep import; go through the folder's index.ts`);
  }
}

if (problems.length > 0) {
  console.error(`import boundaries: ${problems.length} problem(s)`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log('import boundaries: ok');
