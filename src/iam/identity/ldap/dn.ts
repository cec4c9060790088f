/**
 * Distinguished-name normalisation (RFC 4514). Policies are mapped to LDAP users and groups by DN,
 * so two spellings of one DN must compare equal, and two different DNs never may.
 *
 * normaliseDn: attribute types lower-cased (`OU` → `ou`, `oid.2.5.4.3` → `2.5.4.3`), spaces around
 * `,` `+` `=` dropped, escapes decoded (`\2C`, `\,`, `\"`, UTF-8 `\c3\a9`, quoted values) and
 * written back in one canonical form (specials escaped with a backslash, leading `#`/space and
 * trailing space escaped, NUL as `\00`); multi-valued RDNs sorted. Attribute VALUES keep their
 * case: the directory returns them as stored, and some attributes are case-sensitive.
 * Throws TypeError on something that is not a DN.
 */

interface Ava {
  type: string;
  value: string;
  /** `#hex` (BER-encoded value): kept as lower-case hex, never escaped. */
  ber: boolean;
}

function escapeValue(value: string): string {
  const chars = [...value];
  return chars.map((c, i) => {
    if (c === '\0') return '\\00';
    if ('\\"+,;<>='.includes(c)) return `\\${c}`;
    if ((i === 0 && (c === '#' || c === ' ')) || (i === chars.length - 1 && c === ' ')) return `\\${c}`;
    return c;
  }).join('');
}

function parse(dn: string): Ava[][] {
  const rdns: Ava[][] = [];
  let i = 0;
  const fail = (): never => {
    throw new TypeError('Invalid DN');
  };
  while (i < dn.length) {
    const rdn: Ava[] = [];
    for (;;) {
      const eq = dn.indexOf('=', i);
      if (eq < 0) fail();
      const type = dn.slice(i, eq).trim().toLowerCase().replace(/^oid\./, '');
      if (!/^([a-z][a-z0-9-]*|\d+(\.\d+)*)$/.test(type)) fail();
      i = eq + 1;
      while (dn[i] === ' ') i++;
      const bytes: number[] = [];
      let significant = 0; // bytes.length after the last escaped or non-space character
      const ber = dn[i] === '#';
      if (ber) {
        const m = /^#[0-9A-Fa-f]+/.exec(dn.slice(i)) ?? fail();
        bytes.push(...Buffer.from(m[0].toLowerCase()));
        significant = bytes.length;
        i += m[0].length;
      } else if (dn[i] === '"') {
        i++;
        while (i < dn.length && dn[i] !== '"') {
          if (dn[i] === '\\') i++;
          bytes.push(...Buffer.from(dn[i] ?? fail()));
          i++;
        }
        if (dn[i] !== '"') fail();
        i++;
        significant = bytes.length;
      } else {
        while (i < dn.length && !',;+'.includes(dn[i]!)) {
          if (dn[i] === '\\') {
            const hex = /^[0-9A-Fa-f]{2}/.exec(dn.slice(i + 1, i + 3));
            if (hex) {
              bytes.push(parseInt(hex[0], 16));
              i += 3;
            } else {
              bytes.push(...Buffer.from(dn[i + 1] ?? fail()));
              i += 2;
            }
            significant = bytes.length;
            continue;
          }
          const c = dn.codePointAt(i)!;
          const ch = String.fromCodePoint(c);
          bytes.push(...Buffer.from(ch));
          if (ch !== ' ') significant = bytes.length;
          i += ch.length;
        }
      }
      while (dn[i] === ' ') i++;
      rdn.push({ type, value: Buffer.from(bytes.slice(0, significant)).toString('utf8'), ber });
      if (dn[i] === '+') {
        i++;
        continue;
      }
      break;
    }
    rdns.push(rdn);
    if (i < dn.length) {
      if (dn[i] !== ',' && dn[i] !== ';') fail();
      i++;
      if (dn.slice(i).trim() === '') fail();
    }
  }
  return rdns;
}

function rdns(dn: string): string[] {
  if (dn.trim() === '') return [];
  return parse(dn.trimStart()).map((rdn) => rdn.map((a) => `${a.type}=${a.ber ? a.value : escapeValue(a.value)}`).sort().join('+'));
}

export function normaliseDn(dn: string): string {
  return rdns(dn).join(',');
}

/** True when `dn` equals `base` or lies below it, compared RDN by RDN after normalisation. */
export function isUnder(dn: string, base: string): boolean {
  const d = rdns(dn);
  const b = rdns(base);
  return b.length <= d.length && b.every((rdn, i) => d[d.length - b.length + i] === rdn);
}
