import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildXml, child, escapeXml, parseXml } from './index.js';

describe('strict XML reader', () => {
  it('reads elements, text, entities and namespaces', () => {
    const doc = parseXml('<?xml version="1.0"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a&amp;b &#x20AC;</Key></Object></Delete>');
    assert.equal(doc.name, 'Delete');
    assert.equal(child(child(doc, 'Object')!, 'Key')?.text, 'a&b €');
  });
  const hostile = [
    '<!DOCTYPE x [<!ENTITY e "boom">]><a>&e;</a>',
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>',
    '<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>',
    '<a><b></a>',
    '<a>&nbsp;</a>',
    '<a/><b/>',
    '',
    'not xml',
    `${'<a>'.repeat(100)}${'</a>'.repeat(100)}`,
    '<a><?pi x?></a>',
  ];
  for (const input of hostile) {
    it(`refuses ${JSON.stringify(input.slice(0, 40))} with MalformedXML`, () => {
      assert.throws(() => parseXml(input), (e: { code?: string }) => e.code === 'MalformedXML');
    });
  }
});

describe('XML writer', () => {
  it('escapes markup and characters XML 1.0 cannot carry', () => {
    assert.equal(escapeXml(`<&>"'\r`), '&lt;&amp;&gt;&quot;&apos;&#13;');
    assert.equal(escapeXml('a\u0001b'), 'a&#x1;b');
    assert.equal(escapeXml('&#x41;'), '&amp;#x41;');
  });
  it('repeats arrays and omits undefined', () => {
    assert.equal(buildXml('R', { A: [1, 2], B: undefined, C: { D: 'x' } }, null), '<?xml version="1.0" encoding="UTF-8"?>\n<R><A>1</A><A>2</A><C><D>x</D></C></R>');
  });
});
