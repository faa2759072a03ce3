/**
 * The writer of the private store's durability test, run in a child process that the test
 * SIGKILLs: `node --require @swc-node/register private-store-writer.ts <store dir>`.
 *
 * It puts records 0, 1, 2, … in a tight loop and prints `put <i>` after each `put` returns.
 * Pipes are written synchronously on Linux, so a printed line is never ahead of the store.
 */
import { PrivateStore } from '../../src/private';
import { writerRecord, writerTxId } from './store-records';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: private-store-writer.ts <store dir>');
const store = PrivateStore.open({ path });
let i = 0;
while (store.has(writerTxId(i))) i++;
process.stdout.write(`ready ${i}\n`);
for (;;) {
  store.put(writerTxId(i), writerRecord(i));
  process.stdout.write(`put ${i}\n`);
  i++;
}
