import { ADMIN, Fleet } from '../support/fleet';
import { expectProblem, ProblemBody } from '../support/problems';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

// Token requests are capped per account and counted in Redis, where replicas share the count.
describe('Token requests past the per-account limit', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await Fleet.start({ LOGIN_ATTEMPTS_PER_MINUTE: '3', REDIS_URL });
  }, 60_000);

  afterAll(() => fleet?.stop());

  it('are answered 429 with Retry-After, even with the right password, and only for that account', async () => {
    const { owner } = await fleet.tenantOwner('limited');
    expect(owner).toBeDefined();
    const guess = { email: 'owner@limited.test', password: 'wrong' };
    for (let i = 0; i < 2; i++) {
      expect((await fleet.client().post('/v1/auth/token', guess)).status).toBe(401);
    }
    const refused = await fleet.client().post<ProblemBody>('/v1/auth/token', {
      email: 'OWNER@limited.test',
      password: 'limited-owner-password',
    });
    expectProblem(refused, 429);
    expect(refused.body.code).toBe('RESOURCE_EXHAUSTED');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const admin = await fleet.client().post('/v1/auth/token', ADMIN);
    expect(admin.status).toBe(200);
  });
});
