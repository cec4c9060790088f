export { createPayloadDecoder, storedContentEncoding } from './decoder.js';
export type { PayloadDecoder, PayloadHeaders } from './decoder.js';
