import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';

/** Either email and password, or an API key. */
export class TokenRequestDto {
  @IsOptional() @IsEmail({ require_tld: false }) email?: string;
  @IsOptional() @IsString() @MaxLength(1024) password?: string;
  @IsOptional() @IsString() @MaxLength(256) apiKey?: string;
}
