/** Regenerates docs/configuration.md and docs/errors.md from the code (`npm run docs`). */
import { writeFileSync } from 'node:fs';
import { configurationDoc, errorsDoc } from './docs-content.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), configurationDoc());
writeFileSync(new URL('../docs/errors.md', import.meta.url), errorsDoc());
console.log('docs/configuration.md and docs/errors.md written');
