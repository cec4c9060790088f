export { buildXml, escapeXml, S3_XMLNS, xmlFragment } from './build.js';
export type { XmlNode, XmlValue } from './build.js';
export { parseXml, child, children } from './parse.js';
export type { XmlElement } from './parse.js';
