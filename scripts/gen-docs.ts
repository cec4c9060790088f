/** Regenerates docs/configuration.md and docs/errors.md from the code (`npm run docs`). */
import { writeFileSync } from 'node:fs';
import { configurationDoc, errorsDoc, operationsDoc } from './docs-content.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), configurationDoc());
writeFileSync(new URL('../docs/errors.md', import.meta.url), errorsDoc());
writeFileSync(new URL('../docs/s3-operations.md', import.meta.url), operationsDoc());
console.log('docs/configuration.md, docs/errors.md and docs/s3-operations.md written');
