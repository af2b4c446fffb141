import { IsDateString, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../common/list-query.dto';

/** `GET /v1/audit`: the collection query plus who, what and when. */
export class AuditQueryDto extends ListQueryDto {
  /** The subject that made the change (a user id, or `api-key:<id>`). */
  @IsOptional() @IsString() @MaxLength(256) actor?: string;

  /** The kind of object changed, e.g. `cluster`, `secret`, `api-key`. */
  @IsOptional() @IsString() @MaxLength(64) kind?: string;

  @IsOptional() @IsIn(['created', 'updated', 'deleted']) action?: string;

  /** ISO 8601 instant: entries at or after it. */
  @IsOptional() @IsDateString({ strict: true }) since?: string;

  /** ISO 8601 instant: entries before it. */
  @IsOptional() @IsDateString({ strict: true }) until?: string;
}
