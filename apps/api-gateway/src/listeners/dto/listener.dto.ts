import { IsInt, IsIP, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { NAME_PATTERN, NAME_RULE } from '../../common/names';

/** The replaceable part of a listener (PUT body). Without `port` it is an API listener for proxyless gRPC. */
export class ListenerSpecDto {
  @IsOptional() @IsIP() address?: string;

  @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number;

  /** The route configuration this listener's HTTP connection manager uses. */
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) routeConfigName!: string;
}

export class CreateListenerDto extends ListenerSpecDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) name!: string;
}
