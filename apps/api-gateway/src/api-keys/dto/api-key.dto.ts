import { ROLES, Role } from '@envoy-fleet/domain';
import {
  ArrayMinSize,
  IsArray,
  IsDate,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { Type } from 'class-transformer';

export class CreateApiKeyDto {
  @IsString() @MinLength(1) @MaxLength(128) name!: string;

  /** What the key may do; never more than its creator may. */
  @IsIn(ROLES, { each: true }) @ArrayMinSize(1) @IsArray() roles!: Role[];

  /** When the key stops working (RFC 3339, in the future: ApiKeysService checks); without it the key lasts until revoked. */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z' })
  expiresAt?: Date;
}
