import { DomainError, isUuid } from '@envoy-fleet/domain';
import { Injectable, PipeTransform } from '@nestjs/common';

/** A path id that must be a UUID: anything else is a 400 naming the parameter, not a database error. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw DomainError.invalid('id', 'must be a UUID');
    return value.toLowerCase();
  }
}
