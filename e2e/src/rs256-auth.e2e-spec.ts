import { createHmac, generateKeyPairSync } from 'node:crypto';
import { ADMIN, Fleet } from '../support/fleet';

const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

function base64url(value: object | Buffer): string {
  return (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');
}

describe('api-gateway with RS256 tokens', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await Fleet.start({
      JWT_ALGORITHM: 'RS256',
      JWT_PUBLIC_KEY: publicKey,
      JWT_PRIVATE_KEY: privateKey,
    });
  }, 60_000);

  afterAll(() => fleet?.stop());

  it('issues RS256 tokens that carry sub, tenant and roles, and accepts them', async () => {
    const admin = await fleet.client().login(ADMIN.email, ADMIN.password);
    const token = (await fleet.client().post<{ accessToken: string }>('/v1/auth/token', ADMIN)).body
      .accessToken;
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header.alg).toBe('RS256');
    expect(payload).toMatchObject({ roles: ['admin'], iss: 'envoy-fleet', aud: 'envoy-fleet-api' });
    expect(payload.sub).toMatch(/^user:/);
    expect(typeof payload.tenant).toBe('string');
    expect((await admin.get('/v1/tenants')).status).toBe(200);
  });

  it('refuses an HS256 token signed with the public key (algorithm confusion)', async () => {
    const login = await fleet.client().post<{ accessToken: string }>('/v1/auth/token', ADMIN);
    const claims = JSON.parse(Buffer.from(login.body.accessToken.split('.')[1], 'base64url').toString());
    const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
    const forged = `${unsigned}.${createHmac('sha256', publicKey).update(unsigned).digest('base64url')}`;
    const response = await fleet.client().withToken(forged).get('/v1/tenants');
    expect(response.status).toBe(401);
    expect(response.contentType).toContain('application/problem+json');
  });
});
