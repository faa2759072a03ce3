/** The node's Prometheus metrics (docs/spec/node.md §6), one registry per node. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class NodeMetrics {
  readonly registry = new Registry();
  readonly height = new Gauge({
    name: 'trellis_height',
    help: 'Committed height',
    registers: [this.registry],
  });
  readonly epoch = new Gauge({
    name: 'trellis_epoch',
    help: 'Current epoch',
    registers: [this.registry],
  });
  readonly round = new Gauge({
    name: 'trellis_round',
    help: 'Current consensus round',
    registers: [this.registry],
  });
  readonly viewChanges = new Counter({
    name: 'trellis_view_changes_total',
    help: 'Rounds entered through a timeout certificate',
    registers: [this.registry],
  });
  readonly mempoolSize = new Gauge({
    name: 'trellis_mempool_transactions',
    help: 'Transactions in the mempool',
    registers: [this.registry],
  });
  readonly admitted = new Counter({
    name: 'trellis_transactions_admitted_total',
    help: 'Transactions admitted to the mempool',
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'trellis_transactions_rejected_total',
    help: 'Transactions refused at admission, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly committedTransactions = new Counter({
    name: 'trellis_transactions_committed_total',
    help: 'Transactions committed (with a receipt)',
    registers: [this.registry],
  });
  readonly commitLatency = new Histogram({
    name: 'trellis_commit_latency_seconds',
    help: 'From admission at this node to commit',
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10],
    registers: [this.registry],
  });
  readonly peers = new Gauge({
    name: 'trellis_peer_connections',
    help: 'Authenticated peer links',
    registers: [this.registry],
  });
  readonly equivocations = new Counter({
    name: 'trellis_equivocations_total',
    help: 'Equivocation evidence detected',
    registers: [this.registry],
  });
  readonly syncedBlocks = new Counter({
    name: 'trellis_synced_blocks_total',
    help: 'Blocks fetched and re-executed by block sync',
    registers: [this.registry],
  });
}
