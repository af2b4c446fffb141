import { createHmac } from 'node:crypto';
import { SecretBox } from './secret-box';
import { deliveryIdOf, eventTypeOfSubject, matchesEventTypes } from './webhook-events';
import { fleetSignature, githubSignature, signaturesEqual } from './webhook-signature';

describe('webhooks', () => {
  it('maps subjects to event types', () => {
    expect(eventTypeOfSubject('fleet.config.updated.t1')).toBe('config.updated');
    expect(eventTypeOfSubject('fleet.proxy.status.t1')).toBe('proxy.status');
    expect(eventTypeOfSubject('other.x')).toBeNull();
  });

  it('matches exact types, area wildcards and *', () => {
    expect(matchesEventTypes(['config.*'], 'config.rejected')).toBe(true);
    expect(matchesEventTypes(['proxy.status'], 'proxy.status')).toBe(true);
    expect(matchesEventTypes(['proxy.status'], 'proxy.registered')).toBe(false);
    expect(matchesEventTypes(['rollout.*'], 'config.updated')).toBe(false);
    expect(matchesEventTypes(['*'], 'git.push')).toBe(true);
  });

  it('derives one stable delivery id per event and subscription', () => {
    const id = deliveryIdOf('msg-1', 'sub-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliveryIdOf('msg-1', 'sub-1')).toBe(id);
    expect(deliveryIdOf('msg-1', 'sub-2')).not.toBe(id);
    expect(deliveryIdOf('msg-2', 'sub-1')).not.toBe(id);
  });

  it('signs as the README recipe verifies: HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const body = '{"id":"x"}';
    const expected = 'v1=' + createHmac('sha256', 'secret').update(`1700000000.${body}`).digest('hex');
    expect(fleetSignature('secret', '1700000000', body)).toBe(expected);
    expect(signaturesEqual(expected, fleetSignature('secret', '1700000000', body))).toBe(true);
    expect(signaturesEqual(expected, fleetSignature('other', '1700000000', body))).toBe(false);
    expect(githubSignature('s', 'b')).toBe('sha256=' + createHmac('sha256', 's').update('b').digest('hex'));
  });

  it('seals secrets with AES-256-GCM and opens them only with the same key', () => {
    const box = new SecretBox(Buffer.alloc(32, 7).toString('base64'));
    const sealed = box.seal('hunter2-hunter2');
    expect(sealed).not.toContain('hunter2');
    expect(box.open(sealed)).toBe('hunter2-hunter2');
    expect(() => new SecretBox(Buffer.alloc(32, 8).toString('base64')).open(sealed)).toThrow();
    expect(() => new SecretBox('c2hvcnQ=')).toThrow(/32 bytes/);
  });
});
