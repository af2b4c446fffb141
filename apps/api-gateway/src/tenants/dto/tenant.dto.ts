import { Type } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Matches, MinLength, ValidateNested } from 'class-validator';
import { NAME_PATTERN, NAME_RULE } from '../../common/names';

export class OwnerDto {
  @IsEmail({ require_tld: false }) email!: string;
  @IsString() @MinLength(12) password!: string;
}

export class CreateTenantDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) name!: string;

  /** The tenant's first user, with the owner role. */
  @IsOptional() @ValidateNested() @Type(() => OwnerDto) owner?: OwnerDto;
}
