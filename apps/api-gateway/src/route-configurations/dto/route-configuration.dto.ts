import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { NAME_PATTERN, NAME_RULE } from '../../common/names';

export class RouteMatchDto {
  @IsOptional()
  @IsString()
  @Matches(/^\//, { message: 'must start with /' })
  @MaxLength(1024)
  prefix?: string;
  @IsOptional() @IsString() @Matches(/^\//, { message: 'must start with /' }) @MaxLength(1024) path?: string;
}

export class WeightedClusterDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) cluster!: string;
  /** 0 drains a cluster while keeping it in the route; the route's weights must not all be 0. */
  @IsInt() @Min(0) @Max(1_000_000) weight!: number;
}

export class RouteActionDto {
  @IsOptional() @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) cluster?: string;

  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Type(() => WeightedClusterDto)
  @IsArray()
  weightedClusters?: WeightedClusterDto[];

  @IsOptional() @IsInt() @Min(0) @Max(3_600_000) timeoutMs?: number;
}

export class RouteDto {
  @IsOptional() @IsString() @MaxLength(128) name?: string;
  @ValidateNested() @Type(() => RouteMatchDto) match!: RouteMatchDto;
  @ValidateNested() @Type(() => RouteActionDto) action!: RouteActionDto;
}

export class VirtualHostDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) name!: string;

  @IsString({ each: true })
  @MaxLength(253, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsArray()
  domains!: string[];

  @ValidateNested({ each: true })
  @ArrayMaxSize(1000)
  @Type(() => RouteDto)
  @IsArray()
  routes!: RouteDto[];
}

/** The replaceable part of a route configuration (PUT body). */
export class RouteConfigurationSpecDto {
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Type(() => VirtualHostDto)
  @IsArray()
  virtualHosts!: VirtualHostDto[];
}

export class CreateRouteConfigurationDto extends RouteConfigurationSpecDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) name!: string;
}
