import type { VerticalDescriptor } from '@trellis/shared';
import { govDirectoryContract } from '@trellis/gov-directory-contract';
import { GovDirectoryModule } from './gov-directory.module';

export const govDirectoryVertical: VerticalDescriptor = {
  name: 'gov-directory',
  description:
    'Government data directory: catalogues of duties, tables and schemas, data-sharing requests and grants',
  module: GovDirectoryModule,
  contract: govDirectoryContract,
  migrations: [],
};

export { GovDirectoryModule };
