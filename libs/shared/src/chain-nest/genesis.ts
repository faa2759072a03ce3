import type { Response } from 'express';
import type { Consortium } from '../chain';

/**
 * Answers with the chain's genesis file exactly as on disk (the one trust anchor of every proof)
 * and its SHA-256 in `x-genesis-sha256`, to compare with the consortium's published value.
 */
export function sendGenesis(res: Response, consortium: Consortium): void {
  res
    .status(200)
    .type('application/json')
    .setHeader('x-genesis-sha256', consortium.genesisSha256)
    .setHeader('cache-control', 'public, max-age=60');
  res.end(consortium.genesisText);
}
