import { DomainError } from '@envoy-fleet/domain';
import { Prisma } from './generated/prisma/client';
import { existingAs, found, uniqueAs } from './errors';

function prismaError(code: string): Prisma.PrismaClientKnownRequestError {
  return new Prisma.PrismaClientKnownRequestError('db error', { code, clientVersion: 'test' });
}

describe('Prisma error mapping', () => {
  it('turns a unique violation into ALREADY_EXISTS naming the object', async () => {
    const err = await uniqueAs('cluster', 'web', () => Promise.reject(prismaError('P2002'))).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'ALREADY_EXISTS', message: "cluster 'web' already exists" });
  });

  it('turns a missing record into NOT_FOUND', async () => {
    await expect(
      existingAs('listener', 'l', () => Promise.reject(prismaError('P2025'))),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(() => found('secret', 's', null)).toThrow("secret 's' not found");
  });

  it('passes other errors through untouched', async () => {
    const other = prismaError('P2003');
    await expect(uniqueAs('cluster', 'web', () => Promise.reject(other))).rejects.toBe(other);
  });
});
