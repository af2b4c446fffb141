import { DomainError, FieldViolation } from '@envoy-fleet/domain';
import { ValidationError, ValidationPipe } from '@nestjs/common';

/** The global pipe: unknown fields and wrong types are 400s naming the field, before any handler runs. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const violations = errors.flatMap((error) => flatten(error, ''));
      const summary = violations.map((v) => `${v.field}: ${v.message}`).join('; ');
      return new DomainError('INVALID_ARGUMENT', summary || 'invalid request body', violations);
    },
  });
}

function flatten(error: ValidationError, parent: string): FieldViolation[] {
  const field = !parent
    ? error.property
    : /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : `${parent}.${error.property}`;
  const own = Object.values(error.constraints ?? {}).map((message) => ({
    field,
    message: stripProperty(message, error.property),
  }));
  return [...own, ...(error.children ?? []).flatMap((child) => flatten(child, field))];
}

/** class-validator starts messages with the property name; the field path already says it. */
function stripProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
