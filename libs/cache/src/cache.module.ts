import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { CACHE, KeyValueStore, RATE_LIMITER } from './key-value-store';
import { MemoryStore } from './memory-store';
import { redactUrl } from '@envoy-fleet/config';
import { RedisStore } from './redis-store';

/** Where the cache lives. */
export interface CacheModuleOptions {
  /** Redis URL; '' runs the in-process store, shared by every app in the process. */
  redisUrl: string;
}

/** The one store behind CACHE and RATE_LIMITER. */
const KEY_VALUE_STORE = Symbol('KEY_VALUE_STORE');

/** Closes the store (or releases the shared in-process handle) when the app stops. */
@Injectable()
class KeyValueStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(KEY_VALUE_STORE) private readonly store: KeyValueStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Readiness of the cache, for `/readyz`. */
@Injectable()
export class CacheReadiness {
  readonly name = 'cache';
  constructor(@Inject(KEY_VALUE_STORE) private readonly store: KeyValueStore) {}

  check(): Promise<void> {
    return this.store.ping();
  }
}

async function openStore(options: CacheModuleOptions): Promise<KeyValueStore> {
  const logger = new Logger(CacheModule.name);
  if (options.redisUrl === '') {
    logger.log('cache: in-process (set REDIS_URL to use Redis)');
    return MemoryStore.shared();
  }
  logger.log(`cache: Redis at ${redactUrl(options.redisUrl)}`);
  return RedisStore.connect(options.redisUrl);
}

/** Provides the Cache (CACHE) and RateLimiter (RATE_LIMITER), one store behind both, for the whole app. */
@Module({})
export class CacheModule {
  static forRoot(options: CacheModuleOptions): DynamicModule {
    return {
      module: CacheModule,
      global: true,
      providers: [
        { provide: KEY_VALUE_STORE, useFactory: () => openStore(options) },
        { provide: CACHE, useExisting: KEY_VALUE_STORE },
        { provide: RATE_LIMITER, useExisting: KEY_VALUE_STORE },
        KeyValueStoreLifecycle,
        CacheReadiness,
      ],
      // The store too: ObservabilityModule builds CacheReadiness again in its own scope.
      exports: [KEY_VALUE_STORE, CACHE, RATE_LIMITER, CacheReadiness],
    };
  }
}
