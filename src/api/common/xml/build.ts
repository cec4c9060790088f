/** Small XML writer for S3's flat responses. Escapes text and drops characters XML 1.0 forbids. */

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(FORBIDDEN, (c) => `&#x${c.charCodeAt(0).toString(16)};`);
}

export type XmlValue = string | number | boolean | Date | undefined | XmlNode | XmlValue[];
export interface XmlNode {
  [name: string]: XmlValue;
}

function renderValue(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) renderValue(name, item, out);
    return;
  }
  if (value instanceof Date) {
    out.push(`<${name}>${value.toISOString()}</${name}>`);
  } else if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [child, childValue] of Object.entries(value)) renderValue(child, childValue, out);
    out.push(`</${name}>`);
  } else {
    out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
  }
}

/** One element (or, for an array, repeated elements) without a document around it. */
export function xmlFragment(name: string, value: XmlValue): string {
  const out: string[] = [];
  renderValue(name, value, out);
  return out.join('');
}

/** `<?xml …?><Root xmlns="…">…</Root>`; arrays repeat the element, undefined omits it. */
export function buildXml(root: string, body: XmlNode, xmlns: string | null = S3_XMLNS): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n', xmlns ? `<${root} xmlns="${xmlns}">` : `<${root}>`];
  for (const [name, value] of Object.entries(body)) renderValue(name, value, out);
  out.push(`</${root}>`);
  return out.join('');
}
