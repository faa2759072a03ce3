import { Module } from '@nestjs/common';
import { createVerticalHealthController } from '@trellis/shared';
import { copyrightContract } from '@trellis/copyright-contract';

/** Copyright deposit: works registered with their fingerprints, certificates and infringement evidence. */
@Module({ controllers: [createVerticalHealthController('copyright', copyrightContract)] })
export class CopyrightModule {}
