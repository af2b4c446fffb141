import { IsObject, IsOptional, IsString, IsUUID, Matches, ValidateIf } from 'class-validator';

export class CreateProxyDto {
  /** The `node.id` the proxy presents on its xDS stream; unique across the whole fleet. */
  @IsString()
  @Matches(/^[a-zA-Z0-9._:-]{1,253}$/, {
    message: 'must be 1-253 letters, digits, dots, colons, dashes or underscores',
  })
  nodeId!: string;

  @IsOptional() @IsObject() labels?: Record<string, string>;

  /** The VM whose node-agent should run the proxy; omitted: the proxy runs elsewhere. */
  @IsOptional() @IsUUID() vmId?: string;
}

/** `PATCH /v1/proxies/:id`: moves the proxy onto a VM, or off (`null`). */
export class UpdateProxyDto {
  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  vmId!: string | null;
}
