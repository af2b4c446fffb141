import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MetricsConfig } from '../metrics-config';
import { FleetStats } from './fleet-stats';

/** Sweeps the stats of proxies gone longer than the grace period, so `/metrics` does not grow forever. */
@Injectable()
export class StatsExpiryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly stats: FleetStats,
    private readonly config: MetricsConfig,
  ) {}

  onApplicationBootstrap(): void {
    // A stale proxy lingers at most grace + one interval.
    const interval = Math.min(Math.max(this.config.METRICS_STREAM_GRACE_MS / 2, 50), 5000);
    this.timer = setInterval(() => this.stats.sweep(), interval);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
