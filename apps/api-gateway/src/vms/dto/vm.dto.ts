import { Type } from 'class-transformer';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

/** `POST /v1/vms`. */
export class CreateVmDto {
  /** Unique within the tenant; the agent is told its VM by token, not by name. */
  @IsString()
  @Matches(/^[a-zA-Z0-9._-]{1,63}$/, { message: 'must be 1-63 letters, digits, dots, dashes or underscores' })
  name!: string;

  @IsOptional() @IsObject() labels?: Record<string, string>;
}

/** What the VM offers, as the agent measured it. */
export class VmCapacityDto {
  @IsOptional() @IsInt() @Min(0) cpus?: number;
  @IsOptional() @IsInt() @Min(0) memoryBytes?: number;
  @IsOptional() @IsInt() @Min(0) maxProxies?: number;
}

/** `POST /v1/agent/register`: the agent introduces its VM. */
export class RegisterAgentDto {
  @IsString() @MinLength(1) @MaxLength(253) hostname!: string;
  @IsString() @MinLength(1) @MaxLength(64) agentVersion!: string;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => VmCapacityDto) capacity?: VmCapacityDto;
}
