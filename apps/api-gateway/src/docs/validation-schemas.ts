import type { SchemaObject } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/**
 * A JSON schema for every class-validator DTO, derived from the same decorators the
 * ValidationPipe enforces, so the document cannot drift from what the API accepts.
 */
export function validationSchemas(): Record<string, SchemaObject> {
  const schemas = validationMetadatasToSchemas({
    refPointerPrefix: SCHEMA_REF_PREFIX,
    classTransformerMetadataStorage: defaultMetadataStorage,
    classValidatorMetadataStorage: getMetadataStorage(),
  });
  return schemas as Record<string, SchemaObject>;
}
