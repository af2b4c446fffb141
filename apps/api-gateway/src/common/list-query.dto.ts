import { PageRequest, SORT_ORDERS, SortOrder } from '@envoy-fleet/data-access';
import { DomainError } from '@envoy-fleet/domain';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
const LABEL_SELECTOR = /^[a-zA-Z0-9._/-]{1,63}=.{0,253}$/;

/**
 * `?limit=&cursor=`: what every paged GET accepts. Collections of named objects take ListQueryDto;
 * a collection without names (e.g. a webhook's deliveries) extends this and declares its own `sort`.
 */
export class PageQueryDto {
  /** Items per page (1-500, default 50). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE) limit?: number;

  /** The previous page's `nextCursor`. */
  @IsOptional() @IsString() @MaxLength(1024) cursor?: string;
}

/** `?limit=&cursor=&name=&label=key=value&sort=`: what every collection GET accepts. */
export class ListQueryDto extends PageQueryDto {
  /** Only objects whose name (a proxy's node id) starts with this. */
  @IsOptional()
  @IsString()
  @Matches(/^[a-zA-Z0-9._:-]{1,253}$/, {
    message: 'must be 1-253 letters, digits, dots, colons, dashes or underscores',
  })
  name?: string;

  /** `key=value`; repeat for several (all must match). */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @Matches(LABEL_SELECTOR, { each: true, message: 'must be key=value' })
  label?: string[];

  /** name, -name, createdAt or -createdAt (default name). */
  @IsOptional() @IsIn(SORT_ORDERS) sort?: SortOrder;
}

/** What pageRequestOf reads: the paging of any query, and the filters of a named collection's. */
type PagedQuery = PageQueryDto & Partial<Pick<ListQueryDto, 'name' | 'label' | 'sort'>>;

/** The page a list query asks for. */
export function pageRequestOf(query: PagedQuery, defaultSort: SortOrder = 'name'): PageRequest {
  const labels: Record<string, string> = {};
  for (const selector of query.label ?? []) {
    const at = selector.indexOf('=');
    const key = selector.slice(0, at);
    if (key in labels) throw DomainError.invalid('label', `names ${key} twice`);
    labels[key] = selector.slice(at + 1);
  }
  return {
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    sort: query.sort ?? defaultSort,
    ...(query.cursor ? { cursor: query.cursor } : {}),
    ...(query.name ? { namePrefix: query.name } : {}),
    ...(query.label ? { labels } : {}),
  };
}
