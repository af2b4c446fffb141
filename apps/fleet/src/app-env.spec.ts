import { envFor, envPrefix } from './app-env';

describe('envFor', () => {
  it('gives an app its own prefixed variables over the shared ones', () => {
    const env = { LOG_LEVEL: 'warn', XDS_SERVER_LOG_LEVEL: 'debug', XDS_SERVER_XDS_PORT: '19000' };
    expect(envFor('xds-server', env)).toMatchObject({ LOG_LEVEL: 'debug', XDS_PORT: '19000' });
    expect(envFor('api-gateway', env)).toMatchObject({ LOG_LEVEL: 'warn' });
    expect(envFor('api-gateway', env)['XDS_PORT']).toBeUndefined();
  });

  it('drops a bare HTTP_PORT, which five apps cannot share', () => {
    const env = { HTTP_PORT: '8080', API_GATEWAY_HTTP_PORT: '8081' };
    expect(envFor('xds-server', env)['HTTP_PORT']).toBeUndefined();
    expect(envFor('api-gateway', env)['HTTP_PORT']).toBe('8081');
  });

  it('logs as text under one service name unless told otherwise', () => {
    expect(envFor('xds-server', {})).toMatchObject({ LOG_FORMAT: 'text', OTEL_SERVICE_NAME: 'envoy-fleet' });
    expect(envFor('xds-server', { LOG_FORMAT: 'json' })['LOG_FORMAT']).toBe('json');
  });

  it('spells prefixes from app names', () => {
    expect(envPrefix('webhook-service')).toBe('WEBHOOK_SERVICE_');
  });
});
