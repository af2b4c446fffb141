import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { AppMetrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { READINESS_CHECKS, ReadinessCheck } from './readiness';

export interface ObservabilityOptions {
  /** The app's name, used as the `app` label on every metric. */
  app: string;
  /** Providers (classes or tokens) implementing ReadinessCheck; resolved from the app's container. */
  readinessChecks?: (new (...args: never[]) => ReadinessCheck)[];
  /** Modules that export what the readiness checks need. */
  imports?: DynamicModule['imports'];
}

/** `/healthz`, `/readyz` and `/metrics` for one app. */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const checks = options.readinessChecks ?? [];
    const checksProvider: Provider = {
      provide: READINESS_CHECKS,
      useFactory: (...resolved: ReadinessCheck[]) => resolved,
      inject: checks,
    };
    return {
      module: ObservabilityModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController, MetricsController],
      providers: [...checks, checksProvider, { provide: AppMetrics, useValue: new AppMetrics(options.app) }],
      exports: [AppMetrics],
    };
  }
}
