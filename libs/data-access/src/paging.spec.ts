import { DomainError } from '@envoy-fleet/domain';
import { keysetArgs, readPage, type PageRequest } from './paging';

const FIELDS = { name: 'nodeId', labels: 'labels' };
const ID = '6f1d3c52-8a4e-4b0e-9c1a-2d7e5b9f0a11';

function rows(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: ID.replace(/.$/, String(i)),
    nodeId: `node-${i}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
  }));
}

function invalidField(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.violations[0]?.field : undefined;
  }
  return undefined;
}

describe('keysetArgs', () => {
  it('orders by the sort field then id, and asks for one row more than the page', () => {
    expect(keysetArgs({ limit: 10, sort: '-createdAt' }, FIELDS)).toEqual({
      where: {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 11,
    });
  });

  it('filters by an escaped name prefix and by labels', () => {
    const args = keysetArgs({ limit: 5, sort: 'name', namePrefix: 'a_b%', labels: { env: 'prod' } }, FIELDS);
    expect(args.where).toEqual({
      AND: [{ nodeId: { startsWith: 'a\\_b\\%' } }, { labels: { path: ['env'], equals: 'prod' } }],
    });
  });

  it('refuses labels on a collection without them, and cursors it did not make', () => {
    expect(
      invalidField(() => keysetArgs({ limit: 5, sort: 'name', labels: { a: 'b' } }, { name: 'name' })),
    ).toBe('label');
    expect(invalidField(() => keysetArgs({ limit: 5, sort: 'name', cursor: 'garbage!' }, FIELDS))).toBe(
      'cursor',
    );
    const forged = Buffer.from(JSON.stringify({ s: 'name', v: 'x', i: 'not-an-id' })).toString('base64url');
    expect(invalidField(() => keysetArgs({ limit: 5, sort: 'name', cursor: forged }, FIELDS))).toBe('cursor');
  });
});

describe('readPage', () => {
  it('continues strictly after the last row of the previous page, in the same order', async () => {
    const all = rows(5);
    const request: PageRequest = { limit: 2, sort: 'createdAt' };
    const first = await readPage(request, FIELDS, async (args) => all.slice(0, args.take));
    expect(first.items.map((r) => r.nodeId)).toEqual(['node-0', 'node-1']);
    expect(first.nextCursor).not.toBeNull();
    const next = keysetArgs({ ...request, cursor: first.nextCursor as string }, FIELDS);
    expect(next.where).toEqual({
      AND: [
        {
          OR: [
            { createdAt: { gt: all[1]?.createdAt } },
            { createdAt: all[1]?.createdAt, id: { gt: all[1]?.id } },
          ],
        },
      ],
    });
    expect(
      invalidField(() => keysetArgs({ limit: 2, sort: 'name', cursor: first.nextCursor as string }, FIELDS)),
    ).toBe('cursor');
  });

  it('has no next cursor on the last page', async () => {
    const page = await readPage({ limit: 5, sort: 'name' }, FIELDS, async () => rows(3));
    expect(page).toMatchObject({ nextCursor: null });
    expect(page.items).toHaveLength(3);
  });
});
