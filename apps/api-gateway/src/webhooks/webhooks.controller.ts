import { Principal, WRITER_ROLES } from '@envoy-fleet/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { DeliveryQueryDto } from './dto/delivery-query.dto';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhookDeliveryView, WebhooksService, WebhookView } from './webhooks.service';
import type { Page } from '@envoy-fleet/data-access';
import { ListQueryDto, pageRequestOf } from '../common/list-query.dto';

/** `/v1/webhooks`: subscriptions to fleet events, their delivery log and redeliveries. */
@Controller('v1/webhooks')
@Authenticated()
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListQueryDto): Promise<Page<WebhookView>> {
    return this.webhooks.page(principal, pageRequestOf(query));
  }

  @Post()
  @Roles(...WRITER_ROLES)
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateWebhookDto,
  ): Promise<WebhookView & { secret: string }> {
    return this.webhooks.create(principal, dto);
  }

  @Get(':id')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<WebhookView> {
    return this.webhooks.get(principal, id);
  }

  @Patch(':id')
  @Roles(...WRITER_ROLES)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookView> {
    return this.webhooks.update(principal, id, dto);
  }

  @Delete(':id')
  @Roles(...WRITER_ROLES)
  @HttpCode(204)
  remove(@CurrentPrincipal() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.webhooks.remove(principal, id);
  }

  /** Sends a `webhook.test` event to this subscription through the normal delivery path. */
  @Post(':id/test')
  @Roles(...WRITER_ROLES)
  @HttpCode(202)
  test(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<{ subscriptionId: string; eventType: string }> {
    return this.webhooks.test(principal, id);
  }

  /** The delivery log, newest first; `?status=` and `?eventType=` narrow it. */
  @Get(':id/deliveries')
  deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: DeliveryQueryDto,
  ): Promise<Page<WebhookDeliveryView>> {
    const filters = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.eventType ? { eventType: query.eventType } : {}),
    };
    return this.webhooks.deliveryPage(principal, id, filters, pageRequestOf(query, '-createdAt'));
  }

  @Get(':id/deliveries/:deliveryId')
  delivery(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Param('deliveryId', UuidParamPipe) deliveryId: string,
  ): Promise<WebhookDeliveryView> {
    return this.webhooks.getDelivery(principal, id, deliveryId);
  }

  /** Queues the delivery again, with the same delivery id. */
  @Post(':id/deliveries/:deliveryId/redeliver')
  @Roles(...WRITER_ROLES)
  @HttpCode(202)
  redeliver(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParamPipe) id: string,
    @Param('deliveryId', UuidParamPipe) deliveryId: string,
  ): Promise<WebhookDeliveryView> {
    return this.webhooks.redeliver(principal, id, deliveryId);
  }
}
