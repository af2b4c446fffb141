import { withoutCredentials } from './nats-url';

describe(withoutCredentials.name, () => {
  it.each([
    ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4222'],
    ['nats://fleet:s3cret@nats.internal:4222', 'nats://nats.internal:4222'],
    ['nats://mytoken@nats.internal:4222', 'nats://nats.internal:4222'],
    ['fleet:s3cret@nats.internal:4222', 'nats.internal:4222'],
    ['nats://a:p@one:4222,nats://b:q@two:4222', 'nats://one:4222,nats://two:4222'],
  ])('%s is logged as %s', (url, logged) => {
    expect(withoutCredentials(url)).toBe(logged);
  });
});
