import { createHash } from 'node:crypto';
import type { HashFn } from '../../src/codec';
import {
  Batch,
  BlockHeader,
  type ChainType,
  Event,
  QuorumCertificate,
  Receipt,
  Timeout,
  TimeoutCertificate,
  Transaction,
  Vote,
  bitmapOf,
} from '../../src/types';

export const sha256: HashFn = (data) => new Uint8Array(createHash('sha256').update(data).digest());
export const sm3: HashFn = (data) => new Uint8Array(createHash('sm3').update(data).digest());

/** 32 bytes of `byte`; 64 for signatures. */
export const fill = (byte: number, length = 32) => new Uint8Array(length).fill(byte);

export const transaction: Transaction = {
  body: {
    chainId: 'trellis-local',
    contract: 'invoice',
    method: 'issueInvoice',
    args: {
      number: '24440000000000000001',
      amountMinor: 12_345n,
      lines: [{ sku: 'A-1', qty: 2n }],
    },
    nonce: 7n,
    expiryHeight: 1_000n,
    signer: { org: 'merchant-a', cert: fill(0xab) },
  },
  signature: fill(0x11, 64),
};

const voteData = {
  chainId: 'trellis-local',
  epoch: 1n,
  round: 9n,
  height: 41n,
  blockHash: fill(0x42),
};

export const quorumCertificate: QuorumCertificate = {
  data: voteData,
  signers: bitmapOf([0, 1, 3]),
  signatures: [fill(0x01, 64), fill(0x02, 64), fill(0x03, 64)],
};

export const samples: { [name: string]: [ChainType<object>, object] } = {
  Transaction: [Transaction as ChainType<object>, transaction],
  Batch: [
    Batch as ChainType<object>,
    { chainId: 'trellis-local', epoch: 1n, author: 2n, sequence: 5n, transactions: [transaction] },
  ],
  BlockHeader: [
    BlockHeader as ChainType<object>,
    {
      chainId: 'trellis-local',
      height: 42n,
      epoch: 1n,
      round: 10n,
      parentHash: fill(0x42),
      proposer: 3n,
      batchDigests: [fill(0x0b), fill(0x0c)],
      txCount: 3n,
      txRoot: fill(0x0d),
      receiptCount: 2n,
      receiptRoot: fill(0x0e),
      stateRoot: fill(0x0f),
      timestampMs: 1_795_200_000_000n,
    },
  ],
  Vote: [Vote as ChainType<object>, { data: voteData, voter: 3n, signature: fill(0x04, 64) }],
  QuorumCertificate: [QuorumCertificate as ChainType<object>, quorumCertificate],
  Timeout: [
    Timeout as ChainType<object>,
    {
      data: { chainId: 'trellis-local', epoch: 1n, round: 11n, highQcRound: 9n },
      highQc: quorumCertificate,
      voter: 2n,
      signature: fill(0x05, 64),
    },
  ],
  TimeoutCertificate: [
    TimeoutCertificate as ChainType<object>,
    {
      chainId: 'trellis-local',
      epoch: 1n,
      round: 11n,
      signers: bitmapOf([0, 2, 3]),
      highQcRounds: [9n, 8n, 9n],
      signatures: [fill(0x06, 64), fill(0x07, 64), fill(0x08, 64)],
      highQc: quorumCertificate,
    },
  ],
  Receipt: [
    Receipt as ChainType<object>,
    {
      txId: fill(0x21),
      status: 'ok',
      error: null,
      events: [
        { contract: 'invoice', type: 'invoice.issued', data: { number: '24440000000000000001' } },
      ],
      steps: 1_234n,
    },
  ],
  Event: [
    Event as ChainType<object>,
    { contract: 'invoice', type: 'invoice.issued', data: { amountMinor: 12_345n } },
  ],
};
