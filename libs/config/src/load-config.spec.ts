import { IsInt, IsString, IsUrl, Max, Min } from 'class-validator';
import { ConfigError, loadConfig } from './load-config';

class SampleConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 8080;

  @IsUrl({ require_tld: false, protocols: ['nats'] })
  NATS_URL = 'nats://127.0.0.1:4222';

  @IsString()
  NAME = 'fleet';
}

describe('loadConfig', () => {
  it('applies defaults and converts types', () => {
    const config = loadConfig(SampleConfig, { PORT: '9000' });
    expect(config.PORT).toBe(9000);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable', () => {
    expect(() => loadConfig(SampleConfig, { PORT: '70000', NATS_URL: 'http://x' })).toThrow(ConfigError);
    try {
      loadConfig(SampleConfig, { PORT: 'abc', NATS_URL: 'http://x' });
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/NATS_URL/);
    }
  });

  it('ignores variables the class does not declare', () => {
    const config = loadConfig(SampleConfig, { OTHER: 'x' }) as unknown as Record<string, unknown>;
    expect(config['OTHER']).toBeUndefined();
  });
});
