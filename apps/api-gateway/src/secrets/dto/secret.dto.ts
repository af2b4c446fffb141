import { SECRET_TYPES, SecretType } from '@envoy-fleet/domain';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NAME_PATTERN, NAME_RULE } from '../../common/names';

/** The replaceable part of a secret (PUT body). The key is write-only: no response ever shows it. */
export class SecretSpecDto {
  @IsIn(SECRET_TYPES) type!: SecretType;

  /** PEM: the certificate chain, leaf first (TLS_CERTIFICATE), or the trusted CA bundle (VALIDATION_CONTEXT). */
  @IsString() @MaxLength(262_144) certificatePem!: string;

  /** PEM private key of the leaf; TLS_CERTIFICATE only. */
  @IsOptional() @IsString() @MaxLength(65_536) privateKeyPem?: string;
}

export class CreateSecretDto extends SecretSpecDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) name!: string;
}
