import { DynamicModule, Module } from '@nestjs/common';
import { ConfigClass, loadConfig } from './load-config';

/** Validates the environment into `cls` once and provides the frozen instance under `cls` as token. */
@Module({})
export class TypedConfigModule {
  static forRoot<T extends object>(
    cls: ConfigClass<T>,
    env: Record<string, string | undefined> = process.env,
  ): DynamicModule {
    return {
      module: TypedConfigModule,
      global: true,
      providers: [{ provide: cls, useValue: loadConfig(cls, env) }],
      exports: [cls],
    };
  }

  /** Provides an already-validated config instance (tests and the one-process runner). */
  static forValue<T extends object>(cls: ConfigClass<T>, value: T): DynamicModule {
    return {
      module: TypedConfigModule,
      global: true,
      providers: [{ provide: cls, useValue: value }],
      exports: [cls],
    };
  }
}
