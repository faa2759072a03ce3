import { Module } from '@nestjs/common';
import { createVerticalHealthController } from '@trellis/shared';
import { govDirectoryContract } from '@trellis/gov-directory-contract';

/** Government data directory: catalogues of duties, tables and schemas, data-sharing requests and grants. */
@Module({ controllers: [createVerticalHealthController('gov-directory', govDirectoryContract)] })
export class GovDirectoryModule {}
