import { isUuid } from '@envoy-fleet/domain';
import { AlertEvent, EVENT_BUS, EventBus, Subjects } from '@envoy-fleet/messaging';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { createHash } from 'node:crypto';

/** One alert of Alertmanager's webhook payload (version 4). */
interface Alert {
  status?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  fingerprint?: string;
}

/**
 * `POST /v1/alertmanager`: Alertmanager's webhook receiver. Each alert labelled with a tenant
 * (`tenant_id`) becomes `fleet.alert.<firing|resolved>.<tenant>`, which that tenant's webhook
 * subscriptions can select (`alert.*`); alerts without one are platform alerts and are skipped.
 */
@Controller('v1/alertmanager')
export class AlertmanagerController {
  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}

  @Post()
  @HttpCode(202)
  async receive(@Body() body: { alerts?: Alert[] }): Promise<{ published: number; skipped: number }> {
    let published = 0;
    const alerts = Array.isArray(body?.alerts) ? body.alerts : [];
    for (const alert of alerts) {
      const tenantId = alert.labels?.['tenant_id'] ?? '';
      if (!isUuid(tenantId)) continue;
      const status = alert.status === 'resolved' ? 'resolved' : 'firing';
      const event: AlertEvent = {
        tenantId,
        alertname: alert.labels?.['alertname'] ?? '',
        status,
        labels: alert.labels ?? {},
        annotations: alert.annotations ?? {},
        startsAt: alert.startsAt ?? '',
        endsAt: alert.endsAt ?? '',
        fingerprint: alert.fingerprint ?? '',
        occurredAt: new Date().toISOString(),
      };
      // Alertmanager resends a group's alerts on every repeat: the same alert state is one message.
      const key = `${alert.fingerprint ?? JSON.stringify(alert.labels)}|${status}|${alert.startsAt ?? ''}`;
      const msgId = createHash('sha256').update(key).digest('hex').slice(0, 32);
      await this.bus.publish(Subjects.alert(status, tenantId), event, msgId);
      published += 1;
    }
    return { published, skipped: alerts.length - published };
  }
}
