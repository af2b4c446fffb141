import { IsObject, IsOptional, IsString, Matches } from 'class-validator';

export class CreateProxyDto {
  /** The `node.id` the proxy presents on its xDS stream; unique across the whole fleet. */
  @IsString()
  @Matches(/^[a-zA-Z0-9._:-]{1,253}$/, {
    message: 'must be 1-253 letters, digits, dots, colons, dashes or underscores',
  })
  nodeId!: string;

  @IsOptional() @IsObject() labels?: Record<string, string>;
}
