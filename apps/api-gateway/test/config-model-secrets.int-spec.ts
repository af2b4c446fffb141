import { SecretBox } from '@envoy-fleet/domain';
import { SecretsController } from '../src/secrets/secrets.controller';
import { certificates, ConfigModelApi } from './support/config-model-fixtures';

describe(`${SecretsController.name} (the config model through the API)`, () => {
  let fleet: ConfigModelApi;
  const { site, other } = certificates();

  beforeAll(async () => {
    fleet = await ConfigModelApi.start('config-secrets');
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it('stores a TLS certificate with its key sealed, and never shows the key again', async () => {
    const { owner, sql } = fleet;
    const created = await owner.post<Record<string, unknown>>('/v1/secrets', {
      name: 'site-cert',
      type: 'TLS_CERTIFICATE',
      certificatePem: site.cert,
      privateKeyPem: site.key,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'site-cert',
      type: 'TLS_CERTIFICATE',
      subjects: ['CN=api.example.com'],
      subjectAltNames: ['DNS:api.example.com'],
      hasPrivateKey: true,
      fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      notAfter: expect.any(String),
    });
    for (const response of [
      created,
      await owner.get('/v1/secrets/site-cert'),
      await owner.get('/v1/secrets'),
    ]) {
      expect(JSON.stringify(response.body)).not.toContain('PRIVATE KEY');
    }
    const row = (await sql.query(`SELECT private_key_pem FROM secrets WHERE name = 'site-cert'`)).rows[0];
    expect(row.private_key_pem).not.toContain('PRIVATE KEY');
    // Sealed with the key kept in the database (SECRETS_ENCRYPTION_KEY is unset here).
    const key = (await sql.query(`SELECT secret FROM fleet_keys WHERE name = 'secrets-encryption'`)).rows[0]
      .secret;
    expect(new SecretBox(key).open(row.private_key_pem)).toBe(site.key);
    const audit = await sql.query(`SELECT before, after FROM audit_logs WHERE name = 'site-cert'`);
    expect(audit.rows).toHaveLength(1);
    expect(JSON.stringify(audit.rows)).not.toContain('PRIVATE KEY');

    expect(
      (
        await owner.post('/v1/secrets', {
          name: 'client-ca',
          type: 'VALIDATION_CONTEXT',
          certificatePem: other.cert,
        })
      ).status,
    ).toBe(201);
  });

  it('checks PEM on write: 400 naming the field, nothing written', async () => {
    const { owner } = fleet;
    const refused = fleet.refused.bind(fleet);
    const post = (body: object) => () =>
      owner.post('/v1/secrets', { name: 'bad', type: 'TLS_CERTIFICATE', ...body });
    await refused(
      post({ certificatePem: 'no certificate here', privateKeyPem: site.key }),
      400,
      'certificatePem',
    );
    await refused(post({ certificatePem: site.cert }), 400, 'privateKeyPem');
    await refused(post({ certificatePem: site.cert, privateKeyPem: other.key }), 400, 'privateKeyPem');
    await refused(post({ certificatePem: site.cert, privateKeyPem: 'not a key' }), 400, 'privateKeyPem');
    await refused(
      () => owner.post('/v1/secrets', { name: 'bad', type: 'SSH_KEY', certificatePem: site.cert }),
      400,
      'type',
    );
  });
});
