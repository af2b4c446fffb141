import { EVENT_BUS, type EventBus, type Subscription, Subjects } from '@envoy-fleet/messaging';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { forgetApiKey } from './api-key-verifier';

/** The `fleet.apikey.changed.<tenant>` event of a revocation (ApiKeysService.revoke). */
interface ApiKeyChanged {
  id: string;
  action: string;
}

/**
 * Drops a key revoked through another replica from this one's memo as soon as the revocation's
 * event arrives, rather than when the memo runs out (API_KEY_CACHE_MS, the bound if events lag).
 */
@Injectable()
export class ApiKeyRevocations implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | undefined;

  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}

  async onModuleInit(): Promise<void> {
    this.subscription = await this.bus.subscribe<ApiKeyChanged>(
      { subject: Subjects.apiKeyChanged('*') },
      async ({ payload }) => {
        if (payload.action === 'revoked') forgetApiKey(payload.id);
      },
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.close();
  }
}
