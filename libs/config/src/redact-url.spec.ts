import { redactUrl } from './redact-url';

describe(redactUrl.name, () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('redis://fleet:s3cret@redis.internal:6380/2')).toBe(
      'redis://fleet:***@redis.internal:6380/2',
    );
    expect(redactUrl('rediss://:s3cret@redis.internal')).toBe('rediss://:***@redis.internal');
  });

  it('leaves a URL without a password as it is', () => {
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('shows nothing of a URL it cannot parse', () => {
    expect(redactUrl('not a url s3cret')).toBe('(unparseable URL)');
  });
});
