import { TargetGuard, TargetRefusedError } from './target-guard';

describe(TargetGuard.name, () => {
  const strict = new TargetGuard('');

  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd12::1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(strict.refusal(address)).toBe(kind);
  });

  it('lets public addresses through', () => {
    expect(strict.refusal('93.184.216.34')).toBeNull();
    expect(strict.refusal('2606:4700::1')).toBeNull();
  });

  it('allows what WEBHOOK_ALLOWED_TARGETS names, and only that', () => {
    const guard = new TargetGuard('loopback, 10.0.0.0/24');
    expect(guard.refusal('127.0.0.1')).toBeNull();
    expect(guard.refusal('10.0.0.7')).toBeNull();
    expect(guard.refusal('10.0.1.7')).toBe('private');
    expect(guard.refusal('169.254.169.254')).toBe('metadata');
  });

  it('resolves names and refuses one that resolves to loopback', async () => {
    await expect(strict.check(new URL('http://localhost:9/x'))).rejects.toBeInstanceOf(TargetRefusedError);
    await expect(strict.check(new URL('http://[::1]:9/x'))).rejects.toThrow(/loopback/);
    await expect(new TargetGuard('loopback').check(new URL('http://127.0.0.1:9/'))).resolves.toBeUndefined();
  });

  it('rejects a bad allow entry at boot', () => {
    expect(() => new TargetGuard('not-a-cidr')).toThrow(/WEBHOOK_ALLOWED_TARGETS/);
  });
});
