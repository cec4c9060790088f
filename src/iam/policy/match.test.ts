import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globFromPattern, matchGlob } from './match.js';
import { parseCidr, parseIp } from './operators/ip.js';
import { parseDate } from './operators/date.js';

describe('wildcard matching', () => {
  const cases: Array<[string, string, boolean]> = [
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['*', '', true],
    ['*', 'a/b/c', true],
    ['a*', 'a', true],
    ['a*', 'ba', false],
    ['*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['a*b*c', 'abbbcbc', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['?', '😀', true],
    ['??', '😀', false],
    ['*?', '😀', true],
    ['a*?z', 'a😀z', true],
    ['*.txt', 'dir/x.txt', true],
    ['*.txt', 'dir/x.txt.gz', false],
    ['**', 'x', true],
    ['*a*a*a*a*a*b', 'a'.repeat(200), false],
  ];
  for (const [pattern, text, expected] of cases) {
    it(`${JSON.stringify(pattern)} vs ${JSON.stringify(text.length > 20 ? `${text.slice(0, 20)}…` : text)} → ${expected}`, () => assert.equal(matchGlob(globFromPattern(pattern), text), expected));
  }
});

describe('IP and date parsing', () => {
  const ips: Array<[string, string | undefined]> = [
    ['1.2.3.4', '1,2,3,4'],
    ['255.255.255.255', '255,255,255,255'],
    ['256.0.0.1', undefined],
    ['01.2.3.4', undefined],
    ['1.2.3', undefined],
    ['::ffff:1.2.3.4', '1,2,3,4'],
    ['::1', '0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1'],
    ['2001:db8::1:0:0:1', '32,1,13,184,0,0,0,0,0,1,0,0,0,0,0,1'],
    ['1::2::3', undefined],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['fe80::1%eth0', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of ips) it(`parses IP ${JSON.stringify(text)} → ${expected ?? 'invalid'}`, () => assert.equal(parseIp(text)?.join(','), expected));
  it('parses CIDRs and rejects out-of-range prefixes', () => {
    assert.equal(parseCidr('10.0.0.0/8')?.bits, 8);
    assert.equal(parseCidr('::ffff:10.0.0.0/104')?.bits, 8);
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(parseCidr('::/129'), undefined);
    assert.equal(parseCidr('10.0.0.0/08'), undefined);
  });
  const dates: Array<[string, number | undefined]> = [
    ['2030-01-01T00:00:00Z', Date.UTC(2030, 0, 1)],
    ['2030-01-01T00:00:00.5Z', Date.UTC(2030, 0, 1, 0, 0, 0, 500)],
    ['2030-01-01T02:00:00+02:00', Date.UTC(2030, 0, 1)],
    ['2030-01-01T02:00:00+0200', Date.UTC(2030, 0, 1)],
    ['2030-01-01T00:00:00', Date.UTC(2030, 0, 1)],
    ['2030-01-01', Date.UTC(2030, 0, 1)],
    ['1893456000', Date.UTC(2030, 0, 1)],
    ['2030-13-01', undefined],
    ['2030-02-29', undefined],
    ['2030-01-01T24:00:00Z', undefined],
    ['tomorrow', undefined],
  ];
  for (const [text, expected] of dates) it(`parses date ${JSON.stringify(text)} → ${expected ?? 'invalid'}`, () => assert.equal(parseDate(text), expected));
});
