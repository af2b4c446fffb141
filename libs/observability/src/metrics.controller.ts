import { Controller, Get, Header } from '@nestjs/common';
import { AppMetrics } from './metrics';

/** Serves the app's registry in Prometheus text format at `/metrics`. */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: AppMetrics) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
