/**
 * A small test contract exercising every host call: keyed notes with puts, deletes, reads,
 * scans, a counter, typed failures, faults and a failure after writing. Deployed under several
 * names to show that contracts' key spaces are separate.
 */
import {
  type ContractContext,
  type ContractDefinition,
  ContractError,
  defineContract,
} from '@trellis/chain-core';

interface KeyArgs {
  readonly key: Uint8Array;
}
interface PutArgs extends KeyArgs {
  readonly value: Uint8Array;
}
interface ScanArgs {
  readonly prefix?: Uint8Array;
  readonly start?: Uint8Array;
  readonly end?: Uint8Array;
  readonly reverse?: boolean;
  readonly limit?: bigint;
}

const scanOptions = (args: ScanArgs) => ({
  ...(args.prefix === undefined ? {} : { prefix: args.prefix }),
  ...(args.start === undefined ? {} : { start: args.start }),
  ...(args.end === undefined ? {} : { end: args.end }),
  ...(args.reverse === undefined ? {} : { reverse: args.reverse }),
  ...(args.limit === undefined ? {} : { limit: Number(args.limit) }),
});

/** The 8-byte big-endian counter stored at `key`, or 0. */
function counterAt(ctx: ContractContext, key: Uint8Array): bigint {
  const value = ctx.state.get(key);
  return value === undefined ? 0n : new DataView(value.buffer, value.byteOffset).getBigUint64(0);
}

export function notesContract(name = 'notes'): ContractDefinition {
  return defineContract({
    name,
    version: 1,
    methods: {
      put: (ctx: ContractContext, args: PutArgs) => {
        ctx.state.put(args.key, args.value);
        ctx.emit({ type: 'notes.put', data: { key: args.key, size: args.value.length } });
      },
      del: (ctx: ContractContext, args: KeyArgs) => {
        ctx.state.delete(args.key);
      },
      read: (ctx: ContractContext, args: KeyArgs) => {
        ctx.emit({ type: 'notes.read', data: { value: ctx.state.get(args.key) ?? null } });
      },
      scan: (ctx: ContractContext, args: ScanArgs) => {
        const entries = ctx.state.range(scanOptions(args));
        ctx.emit({
          type: 'notes.scanned',
          data: { entries: entries.map((e) => [e.key, e.value]) },
        });
      },
      incr: (ctx: ContractContext, args: KeyArgs) => {
        const next = new Uint8Array(8);
        new DataView(next.buffer).setBigUint64(0, counterAt(ctx, args.key) + 1n);
        ctx.state.put(args.key, next);
        ctx.emit({ type: 'notes.counted', data: { at: ctx.block.height } });
      },
      refuse: (
        _ctx: ContractContext,
        args: { readonly code: string; readonly message: string },
      ) => {
        throw new ContractError(args.code, args.message);
      },
      crash: () => {
        throw new TypeError('notes crashed');
      },
      putThenRefuse: (ctx: ContractContext, args: PutArgs) => {
        ctx.state.put(args.key, args.value);
        ctx.emit({ type: 'notes.put', data: { key: args.key } });
        throw new ContractError('changed-mind', 'wrote, then refused');
      },
      /** Writes `count` values of `size` bytes, swallowing any failure of the host. */
      flood: (ctx: ContractContext, args: { readonly count: bigint; readonly size: bigint }) => {
        try {
          for (let i = 0; i < Number(args.count); i++) {
            ctx.state.put(
              new Uint8Array([0xf0, i & 0xff, i >> 8]),
              new Uint8Array(Number(args.size)),
            );
          }
        } catch {
          // A contract that ignores the host's refusal still fails.
        }
      },
      admin: (ctx: ContractContext) => {
        ctx.state.put(new Uint8Array([0xad]), new Uint8Array([1]));
      },
    },
    access: { admin: ['admin', 'operator'] },
  });
}
