import type { Type } from '@nestjs/common';
import type { ContractDefinition } from '@trellis/chain-core';
import type { MigrationClass } from '../database';

/**
 * What a vertical (bounded context) contributes to a service process: its Nest module, mounted
 * under `/api/<name>`, its contract and the migrations of its read models. The all-in-one API
 * server mounts every vertical's descriptor; a vertical's own `main.ts` mounts just its own.
 */
export interface VerticalDescriptor {
  /** URL segment and OpenAPI tag, e.g. `judicial-evidence`. */
  readonly name: string;
  /** One line for people: what the vertical does. */
  readonly description: string;
  readonly module: Type<unknown>;
  readonly contract: ContractDefinition;
  readonly migrations: readonly MigrationClass[];
}
