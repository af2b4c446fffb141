import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** A config class: its properties are environment variable names, decorated with class-validator rules. */
export type ConfigClass<T extends object> = new () => T;

/** Thrown at boot when the environment does not satisfy the app's config class. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the variables a config class declares from `env`, converts them to the declared types
 * (defaults come from property initialisers, and a default's type is the variable's type) and validates them, once, at boot.
 */
export function loadConfig<T extends object>(
  cls: ConfigClass<T>,
  env: Record<string, string | undefined>,
): T {
  const defaults = new cls();
  const declared = Object.keys(defaults) as (keyof T & string)[];
  const raw: Record<string, unknown> = {};
  for (const key of declared) {
    const value = env[key];
    raw[key] = value === undefined || value === '' ? defaults[key] : convert(value, defaults[key]);
  }
  const config = plainToInstance(cls, raw);
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(errors.flatMap(describe));
  return Object.freeze(config);
}

/** Converts by the type of the default, so a number default means a numeric variable. */
function convert(value: string, fallback: unknown): unknown {
  if (typeof fallback === 'number') return value.trim() === '' ? NaN : Number(value);
  if (typeof fallback === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

function describe(error: ValidationError): string[] {
  const messages = Object.values(error.constraints ?? {});
  return messages.map((message) => `${error.property}: ${message}`);
}
