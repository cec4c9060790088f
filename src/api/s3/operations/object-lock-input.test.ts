import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../../core/index.js';
import { objectLockEnabledOf } from './bucket-operations.js';
import { lockConditions, objectWriteChecks } from './check-conditions.js';
import { lockRequestOf, parseIsoDate, parseLegalHold, parseObjectLockConfiguration, parseRetention, remainingRetentionDays } from './object-lock-input.js';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  return 'none';
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

const config = (inner: string) => Buffer.from(`<ObjectLockConfiguration ${XMLNS}>${inner}</ObjectLockConfiguration>`);
const rule = (inner: string) => config(`<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>${inner}</DefaultRetention></Rule>`);

describe('ISO 8601 dates', () => {
  const cases: Array<[string, string | undefined]> = [
    ['2030-01-01T00:00:00Z', '2030-01-01T00:00:00.000Z'],
    ['2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z'],
    ['2030-01-01T00:00:00.123456Z', '2030-01-01T00:00:00.123Z'],
    ['2030-01-01T02:30:00+02:30', '2030-01-01T00:00:00.000Z'],
    ['2029-12-31T19:00:00-0500', '2030-01-01T00:00:00.000Z'],
    ['2030-01-01t00:00:00z', '2030-01-01T00:00:00.000Z'],
    ['2030-02-29T00:00:00Z', undefined],
    ['2030-13-01T00:00:00Z', undefined],
    ['2030-01-01T24:00:00Z', undefined],
    ['2030-01-01T00:00:00', undefined],
    ['2030-01-01', undefined],
    ['Tue, 01 Jan 2030 00:00:00 GMT', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${expected ?? 'not a date'}`, () => {
      assert.equal(parseIsoDate(text)?.toISOString(), expected);
    });
  }

  it('counts remaining retention days rounded up, never below zero', () => {
    assert.equal(remainingRetentionDays(new Date('2025-06-02T12:00:00Z'), NOW), 1);
    assert.equal(remainingRetentionDays(new Date('2025-06-02T12:00:01Z'), NOW), 2);
    assert.equal(remainingRetentionDays(new Date('2025-05-01T00:00:00Z'), NOW), 0);
  });
});

describe('x-amz-object-lock-* write headers', () => {
  it('reads no lock when no header is sent', () => {
    assert.equal(lockRequestOf({}, NOW), undefined);
  });

  it('reads a retention and a legal hold', () => {
    const lock = lockRequestOf({ 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z', 'x-amz-object-lock-legal-hold': 'ON' }, NOW);
    assert.deepEqual(lock, { retention: { mode: 'GOVERNANCE', retainUntil: new Date('2030-01-01T00:00:00Z') }, legalHold: 'ON' });
    assert.deepEqual(lockRequestOf({ 'x-amz-object-lock-legal-hold': 'OFF' }, NOW), { legalHold: 'OFF' });
  });

  const refused: Array<[string, Record<string, string>, RegExp]> = [
    ['a mode without a date', { 'x-amz-object-lock-mode': 'COMPLIANCE' }, /must both be supplied/],
    ['a date without a mode', { 'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z' }, /must both be supplied/],
    ['an unknown mode', { 'x-amz-object-lock-mode': 'governance', 'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z' }, /wormMode/],
    ['a date that does not parse', { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': 'tomorrow' }, /ISO 8601/],
    ['a date in the past', { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2025-06-01T11:59:59Z' }, /must be in the future!/],
    ['a date equal to now', { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2025-06-01T12:00:00Z' }, /must be in the future!/],
    ['a legal hold other than ON or OFF', { 'x-amz-object-lock-legal-hold': 'on' }, /Legal Hold/],
  ];
  for (const [what, headers, message] of refused) {
    it(`refuses ${what} with InvalidArgument`, () => {
      assert.equal(code(() => lockRequestOf(headers, NOW)), 'InvalidArgument');
      assert.match(messageOf(() => lockRequestOf(headers, NOW)), message);
    });
  }

  it('refuses a repeated lock header', () => {
    assert.equal(code(() => lockRequestOf({ 'x-amz-object-lock-legal-hold': ['ON', 'OFF'] }, NOW)), 'InvalidArgument');
  });
});

describe('ObjectLockConfiguration documents', () => {
  it('reads a default rule in days or years, and a configuration without a rule', () => {
    assert.deepEqual(parseObjectLockConfiguration(rule('<Mode>GOVERNANCE</Mode><Days>30</Days>')), { mode: 'GOVERNANCE', days: 30 });
    assert.deepEqual(parseObjectLockConfiguration(rule('<Mode>COMPLIANCE</Mode><Years>100</Years>')), { mode: 'COMPLIANCE', years: 100 });
    assert.equal(parseObjectLockConfiguration(config('<ObjectLockEnabled>Enabled</ObjectLockEnabled>')), undefined);
    assert.equal(parseObjectLockConfiguration(Buffer.from('<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>')), undefined);
  });

  const cases: Array<[string, Buffer, string]> = [
    ['an empty body', Buffer.alloc(0), 'MalformedXML'],
    ['another root', Buffer.from('<Retention/>'), 'MalformedXML'],
    ['ObjectLockEnabled other than Enabled', config('<ObjectLockEnabled>Disabled</ObjectLockEnabled>'), 'MalformedXML'],
    ['a missing ObjectLockEnabled', config(''), 'MalformedXML'],
    ['a lower-case mode', rule('<Mode>governance</Mode><Days>1</Days>'), 'MalformedXML'],
    ['a missing mode', rule('<Days>1</Days>'), 'MalformedXML'],
    ['Days and Years together', rule('<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>'), 'MalformedXML'],
    ['neither Days nor Years', rule('<Mode>GOVERNANCE</Mode>'), 'MalformedXML'],
    ['a period that is not a number', rule('<Mode>GOVERNANCE</Mode><Days>1.5</Days>'), 'MalformedXML'],
    ['an unknown element', rule('<Mode>GOVERNANCE</Mode><Days>1</Days><Weeks>1</Weeks>'), 'MalformedXML'],
    ['a rule without DefaultRetention', config('<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule></Rule>'), 'MalformedXML'],
    ['zero days', rule('<Mode>GOVERNANCE</Mode><Days>0</Days>'), 'InvalidRetentionPeriod'],
    ['negative years', rule('<Mode>GOVERNANCE</Mode><Years>-1</Years>'), 'InvalidRetentionPeriod'],
    ['more than 36500 days', rule('<Mode>COMPLIANCE</Mode><Days>36501</Days>'), 'InvalidRetentionPeriod'],
    ['more than 100 years', rule('<Mode>COMPLIANCE</Mode><Years>101</Years>'), 'InvalidRetentionPeriod'],
  ];
  for (const [what, body, expected] of cases) {
    it(`refuses ${what} with ${expected}`, () => assert.equal(code(() => parseObjectLockConfiguration(body)), expected));
  }
});

describe('Retention and LegalHold documents', () => {
  it('reads a retention with any ISO 8601 date, and an empty one as removal', () => {
    const body = Buffer.from(`<Retention ${XMLNS}><Mode>COMPLIANCE</Mode><RetainUntilDate>2030-01-01T01:00:00+01:00</RetainUntilDate></Retention>`);
    assert.deepEqual(parseRetention(body), { mode: 'COMPLIANCE', retainUntil: new Date('2030-01-01T00:00:00.000Z') });
    assert.equal(parseRetention(Buffer.from('<Retention/>')), undefined);
  });

  for (const inner of ['<Mode>GOVERNANCE</Mode>', '<RetainUntilDate>2030-01-01T00:00:00Z</RetainUntilDate>', '<Mode>Governance</Mode><RetainUntilDate>2030-01-01T00:00:00Z</RetainUntilDate>', '<Mode>GOVERNANCE</Mode><RetainUntilDate>soon</RetainUntilDate>', '<Mode>GOVERNANCE</Mode><Mode>GOVERNANCE</Mode>']) {
    it(`refuses the retention ${inner} with MalformedXML`, () => {
      assert.equal(code(() => parseRetention(Buffer.from(`<Retention>${inner}</Retention>`))), 'MalformedXML');
    });
  }

  it('reads a legal hold ON or OFF and refuses anything else', () => {
    assert.equal(parseLegalHold(Buffer.from(`<LegalHold ${XMLNS}><Status>ON</Status></LegalHold>`)), 'ON');
    assert.equal(parseLegalHold(Buffer.from('<LegalHold><Status>OFF</Status></LegalHold>')), 'OFF');
    for (const body of ['<LegalHold><Status>on</Status></LegalHold>', '<LegalHold/>', '<Retention><Status>ON</Status></Retention>', '']) {
      assert.equal(code(() => parseLegalHold(Buffer.from(body))), 'MalformedXML', body);
    }
  });
});

describe('Object Lock authorization inputs', () => {
  it('reads x-amz-bucket-object-lock-enabled true or false, and refuses anything else', () => {
    assert.equal(objectLockEnabledOf({}), false);
    assert.equal(objectLockEnabledOf({ 'x-amz-bucket-object-lock-enabled': 'True' }), true);
    assert.equal(objectLockEnabledOf({ 'x-amz-bucket-object-lock-enabled': 'false' }), false);
    assert.equal(code(() => objectLockEnabledOf({ 'x-amz-bucket-object-lock-enabled': 'yes' })), 'InvalidArgument');
  });

  it('gives lock condition keys with a normalized date and the remaining days', () => {
    assert.deepEqual(lockConditions({ mode: 'GOVERNANCE', retainUntil: new Date('2025-06-11T12:00:00Z') }, 'ON', NOW), {
      's3:object-lock-mode': ['GOVERNANCE'],
      's3:object-lock-retain-until-date': ['2025-06-11T12:00:00.000Z'],
      's3:object-lock-remaining-retention-days': ['10'],
      's3:object-lock-legal-hold': ['ON'],
    });
    assert.deepEqual(lockConditions(undefined, undefined, NOW), {});
  });

  it('makes a write with lock headers also need s3:PutObjectRetention and s3:PutObjectLegalHold', () => {
    const headers = { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': '2025-06-03T00:00:00+00:00', 'x-amz-object-lock-legal-hold': 'ON' };
    const checks = objectWriteChecks({ bucket: 'b', key: 'k', query: new Map(), headers, now: NOW });
    assert.deepEqual(checks.map((c) => c.action), ['s3:PutObject', 's3:PutObjectRetention', 's3:PutObjectLegalHold']);
    assert.deepEqual(checks[1]?.conditions, {
      's3:object-lock-mode': ['COMPLIANCE'],
      's3:object-lock-retain-until-date': ['2025-06-03T00:00:00.000Z'],
      's3:object-lock-remaining-retention-days': ['2'],
      's3:object-lock-legal-hold': ['ON'],
    });
    const unparsable = objectWriteChecks({ bucket: 'b', key: 'k', query: new Map(), headers: { 'x-amz-object-lock-retain-until-date': 'soon' } });
    assert.deepEqual(unparsable.map((c) => c.action), ['s3:PutObject', 's3:PutObjectRetention']);
  });
});
