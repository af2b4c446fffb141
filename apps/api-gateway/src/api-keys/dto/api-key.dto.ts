import { ROLES, Role } from '@envoy-fleet/domain';
import { ArrayMinSize, IsArray, IsIn, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateApiKeyDto {
  @IsString() @MinLength(1) @MaxLength(128) name!: string;

  /** What the key may do; never more than its creator may. */
  @IsIn(ROLES, { each: true }) @ArrayMinSize(1) @IsArray() roles!: Role[];
}
