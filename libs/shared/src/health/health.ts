import { Controller, Get, type Type } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ContractDefinition } from '@trellis/chain-core';
import type { DataSource } from 'typeorm';
import { UnavailableError } from '../errors';

const DATABASE_CHECK_TIMEOUT_MS = 2000;

/** Throws {@link UnavailableError} unless the database answers `SELECT 1` in time. */
export async function checkDatabase(dataSource: DataSource): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UnavailableError(
            `the database did not answer within ${DATABASE_CHECK_TIMEOUT_MS} ms`,
          ),
        ),
      DATABASE_CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([dataSource.query('SELECT 1'), timeout]);
  } catch (error) {
    if (error instanceof UnavailableError) throw error;
    throw new UnavailableError(`the database is unreachable: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

class LivenessDto {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
}

class ReadinessDto {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
  @ApiProperty({ example: 'up' }) database!: 'up';
}

/** `/api/health`: the process serves requests. `/api/ready`: and its database answers. */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process is serving requests' })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the service and its database can serve requests' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ description: 'problem+json naming the failing dependency' })
  async ready(): Promise<ReadinessDto> {
    await checkDatabase(this.dataSource);
    return { status: 'ok', database: 'up' };
  }
}

class ContractInfoDto {
  @ApiProperty({ example: 'invoice' }) name!: string;
  @ApiProperty({ example: 1 }) version!: number;
}

class VerticalHealthDto {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
  @ApiProperty({ example: 'invoice' }) vertical!: string;
  @ApiProperty({ type: ContractInfoDto }) contract!: ContractInfoDto;
  @ApiProperty({ example: 'up' }) database!: 'up';
}

/**
 * The health endpoint of one vertical, `/api/<vertical>/health`: which contract version the
 * service speaks and whether its read-model database answers. One class per vertical, so that
 * each vertical module owns its own controller (and its OpenAPI tag).
 */
export function createVerticalHealthController(
  vertical: string,
  contract: ContractDefinition,
): Type<unknown> {
  @ApiTags(vertical)
  @Controller('health')
  class VerticalHealthController {
    constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

    @Get()
    @ApiOperation({ summary: `Health of the ${vertical} service and its read-model database` })
    @ApiOkResponse({ type: VerticalHealthDto })
    @ApiServiceUnavailableResponse({ description: 'problem+json naming the failing dependency' })
    async health(): Promise<VerticalHealthDto> {
      await checkDatabase(this.dataSource);
      return {
        status: 'ok',
        vertical,
        contract: { name: contract.name, version: contract.version },
        database: 'up',
      };
    }
  }
  Object.defineProperty(VerticalHealthController, 'name', { value: `${vertical}HealthController` });
  return VerticalHealthController;
}
