import type { WebhookDeliveryStatus } from '@envoy-fleet/data-access';
import { EVENT_TYPE_PATTERN } from '@envoy-fleet/domain';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/list-query.dto';

const DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'delivered', 'dead_lettered'];

/** The orders a delivery log can be read in: deliveries have no name, only a time. */
export const DELIVERY_SORT_ORDERS = ['createdAt', '-createdAt'] as const;

/** `GET /v1/webhooks/:id/deliveries?status=&eventType=&sort=`: the paged delivery log, newest first. */
export class DeliveryQueryDto extends PageQueryDto {
  /** Only deliveries in this state. */
  @IsOptional() @IsIn(DELIVERY_STATUSES) status?: WebhookDeliveryStatus;

  /** Only deliveries of this event type, area (`config.*`) or any (`*`), as subscriptions name them. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(EVENT_TYPE_PATTERN, { message: 'must be like config.updated, config.* or *' })
  eventType?: string;

  /** createdAt or -createdAt (default -createdAt: newest first). */
  @IsOptional() @IsIn(DELIVERY_SORT_ORDERS) sort?: (typeof DELIVERY_SORT_ORDERS)[number];
}
