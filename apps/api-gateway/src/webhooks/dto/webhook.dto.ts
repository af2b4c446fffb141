import { EVENT_TYPE_PATTERN, WEBHOOK_KINDS, WebhookKind } from '@envoy-fleet/domain';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

const URL_OPTIONS = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export class CreateWebhookDto {
  @IsString() @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/) name!: string;

  /** `http` (signed JSON POSTs, the default), `slack` or `github` (commit statuses). */
  @IsOptional() @IsIn(WEBHOOK_KINDS) kind: WebhookKind = 'http';

  /** The receiver; for GitHub, the API base URL (e.g. https://api.github.com). */
  @IsUrl(URL_OPTIONS) @MaxLength(2048) url!: string;

  /** Patterns: `config.*`, `proxy.status`, `*`. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(32)
  @Matches(EVENT_TYPE_PATTERN, { each: true, message: 'each must be like config.updated, config.* or *' })
  eventTypes!: string[];

  /** Signing secret (generic HTTP) or inbound webhook secret (GitHub); generated when left out. */
  @IsOptional() @IsString() @MinLength(16) @MaxLength(256) secret?: string;

  /** GitHub: a token allowed to write commit statuses on `repository`. */
  @ValidateIf((dto: CreateWebhookDto) => dto.kind === 'github')
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  token?: string;

  /** GitHub: `owner/repo`. */
  @ValidateIf((dto: CreateWebhookDto) => dto.kind === 'github')
  @Matches(REPOSITORY)
  repository?: string;

  @IsOptional() @IsBoolean() active?: boolean;
}

export class UpdateWebhookDto {
  @IsOptional() @IsUrl(URL_OPTIONS) @MaxLength(2048) url?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(32)
  @Matches(EVENT_TYPE_PATTERN, { each: true, message: 'each must be like config.updated, config.* or *' })
  eventTypes?: string[];

  /** Active or paused. */
  @IsOptional() @IsBoolean() active?: boolean;

  @IsOptional() @IsString() @MinLength(1) @MaxLength(512) token?: string;

  @IsOptional() @Matches(REPOSITORY) repository?: string;
}
