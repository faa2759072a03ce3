import type { VerticalDescriptor } from '@trellis/shared';
import { copyrightContract } from '@trellis/copyright-contract';
import { CopyrightModule } from './copyright.module';

export const copyrightVertical: VerticalDescriptor = {
  name: 'copyright',
  description:
    'Copyright deposit: works registered with their fingerprints, certificates and infringement evidence',
  module: CopyrightModule,
  contract: copyrightContract,
  migrations: [],
};

export { CopyrightModule };
