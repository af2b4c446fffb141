import type { TestClient, TestResponse } from './api-test-app';

/** A collection page as the API answers it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A 400 problem whose `errors` name `field`. */
export function expectBadField(response: TestResponse, field: string): void {
  const fields = (response.body as { errors?: { field: string }[] }).errors?.map((e) => e.field);
  expect({ status: response.status, fields }).toEqual({
    status: 400,
    fields: expect.arrayContaining([field]),
  });
  expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
}

/** `path` with `cursor` appended as a query parameter. */
export function withCursor(path: string, cursor: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
}

/**
 * Follows nextCursor from the first page to the last, collecting `key` of each item; `between`
 * runs after each page (e.g. to add rows while paging). Stops after 100 pages.
 */
export async function walkPages<T>(
  client: TestClient,
  path: string,
  key: (item: T) => string,
  between?: (page: number) => Promise<void>,
): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response: TestResponse<Page<T>> = await client.get<Page<T>>(
      cursor ? withCursor(path, cursor) : path,
    );
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    keys.push(...response.body.items.map(key));
    cursor = response.body.nextCursor;
    pages++;
    if (cursor && between) await between(pages);
  } while (cursor && pages < 100);
  return { keys, pages };
}
