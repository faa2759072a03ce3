/** Queries of the judicial evidence read models (PostgreSQL), and the API's view of a deposit. */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EvidenceChain } from '../chain/evidence-chain';
import type { DepositRow, DepositView, PresentationView } from './deposit-view';

export const API_BASE = '/api/judicial-evidence';

export interface ListQuery {
  readonly depositor: string;
  readonly q?: string;
  readonly type?: string;
  readonly limit: number;
  /** A cursor from a previous page: `<height>.<txIndex>`. */
  readonly before?: { readonly height: bigint; readonly txIndex: number };
}

interface PresentationRow {
  readonly deposit: string;
  readonly court: string;
  readonly case_number: string;
  readonly presented_by: string;
  readonly tx_id: string;
  readonly height: string;
  readonly time_ms: string;
}

const iso = (ms: string): string => new Date(Number(ms)).toISOString();

@Injectable()
export class EvidenceReadModel {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chain: EvidenceChain,
  ) {}

  async byId(id: string): Promise<DepositRow | undefined> {
    const rows = (await this.dataSource.query('SELECT * FROM evidence_deposit WHERE id = $1', [
      id,
    ])) as DepositRow[];
    return rows[0];
  }

  async byDigest(algorithm: 'sha256' | 'sm3', hex: string): Promise<DepositRow[]> {
    return (await this.dataSource.query(
      `SELECT * FROM evidence_deposit WHERE ${algorithm} = $1 ORDER BY height, tx_index`,
      [hex],
    )) as DepositRow[];
  }

  async byDepositorDigest(depositor: string, sha256: string): Promise<DepositRow | undefined> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM evidence_deposit WHERE depositor = $1 AND sha256 = $2',
      [depositor, sha256],
    )) as DepositRow[];
    return rows[0];
  }

  async list(query: ListQuery): Promise<{ rows: DepositRow[]; next: string | null }> {
    const where = ['depositor = $1'];
    const params: unknown[] = [query.depositor];
    if (query.q !== undefined && query.q !== '') {
      params.push(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      params.push(query.q.toLowerCase());
      where.push(
        `(title ILIKE $${params.length - 1} OR id = $${params.length} OR sha256 = $${params.length} OR sm3 = $${params.length})`,
      );
    }
    if (query.type !== undefined) {
      params.push(query.type);
      where.push(`type = $${params.length}`);
    }
    if (query.before !== undefined) {
      params.push(query.before.height.toString(), query.before.txIndex);
      where.push(`(height, tx_index) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(query.limit + 1);
    const rows = (await this.dataSource.query(
      `SELECT * FROM evidence_deposit WHERE ${where.join(' AND ')}
       ORDER BY height DESC, tx_index DESC LIMIT $${params.length}`,
      params,
    )) as DepositRow[];
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      rows: page,
      next: rows.length > query.limit && last ? `${last.height}.${last.tx_index}` : null,
    };
  }

  /**
   * The whole evidence chain `id` belongs to: up the parents to the root, then every deposit
   * reachable from it by parent or correction links, oldest first.
   */
  async chainOf(id: string): Promise<{ root: string; rows: DepositRow[] }> {
    const up = (await this.dataSource.query(
      `WITH RECURSIVE up(id, parent, corrects, depth) AS (
         SELECT id, parent, corrects, 0 FROM evidence_deposit WHERE id = $1
         UNION ALL
         SELECT d.id, d.parent, d.corrects, up.depth + 1 FROM evidence_deposit d
           JOIN up ON d.id = COALESCE(up.parent, up.corrects)
         WHERE up.depth < 1000
       ) SELECT id FROM up ORDER BY depth DESC LIMIT 1`,
      [id],
    )) as { id: string }[];
    const root = up[0]?.id ?? id;
    const rows = (await this.dataSource.query(
      `WITH RECURSIVE down(id, depth) AS (
         SELECT id, 0 FROM evidence_deposit WHERE id = $1
         UNION
         SELECT d.id, down.depth + 1 FROM evidence_deposit d
           JOIN down ON d.parent = down.id OR d.corrects = down.id
         WHERE down.depth < 1000
       ) SELECT e.* FROM evidence_deposit e JOIN (SELECT DISTINCT id FROM down) x ON x.id = e.id
       ORDER BY e.height, e.tx_index`,
      [root],
    )) as DepositRow[];
    return { root, rows };
  }

  async presentationOf(
    deposit: string,
    court: string,
    caseNumber: string,
  ): Promise<PresentationView | undefined> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM evidence_presentation WHERE deposit = $1 AND court = $2 AND case_number = $3',
      [deposit, court, caseNumber],
    )) as PresentationRow[];
    return rows[0] && this.#presentation(rows[0]);
  }

  /** The API views of `rows`, with their links, children, corrections and presentations. */
  async views(rows: readonly DepositRow[]): Promise<DepositView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [related, presentations] = await Promise.all([
      this.dataSource.query(
        `SELECT id, parent, corrects FROM evidence_deposit
         WHERE parent = ANY($1) OR corrects = ANY($1) ORDER BY height, tx_index`,
        [ids],
      ) as Promise<{ id: string; parent: string | null; corrects: string | null }[]>,
      this.dataSource.query(
        'SELECT * FROM evidence_presentation WHERE deposit = ANY($1) ORDER BY height',
        [ids],
      ) as Promise<PresentationRow[]>,
    ]);
    const portal = this.chain.config.portalUrl;
    return rows.map((r) => ({
      id: r.id,
      sha256: r.sha256,
      sm3: r.sm3,
      type: r.type,
      title: r.title,
      depositor: r.depositor,
      depositorName: this.chain.enabled ? this.chain.orgName(r.depositor) : r.depositor,
      parent: r.parent,
      corrects: r.corrects,
      correctedBy: related.filter((x) => x.corrects === r.id).map((x) => x.id),
      children: related.filter((x) => x.parent === r.id).map((x) => x.id),
      hasPrivateMetadata: r.private_hash !== null,
      height: String(r.height),
      txIndex: r.tx_index,
      blockHash: r.block_hash,
      timeMs: String(r.time_ms),
      time: iso(String(r.time_ms)),
      presentations: presentations
        .filter((p) => p.deposit === r.id)
        .map((p) => this.#presentation(p)),
      links: {
        self: `${API_BASE}/deposits/${r.id}`,
        proof: `${API_BASE}/deposits/${r.id}/proof`,
        certificate: `${API_BASE}/deposits/${r.id}/certificate.pdf`,
        chain: `${API_BASE}/deposits/${r.id}/chain`,
        verifyPage: `${portal}/court/verify?deposit=${r.id}`,
      },
    }));
  }

  #presentation(p: PresentationRow): PresentationView {
    return {
      caseNumber: p.case_number,
      court: p.court,
      courtName: this.chain.enabled ? this.chain.orgName(p.court) : p.court,
      presentedBy: p.presented_by,
      txId: p.tx_id,
      height: String(p.height),
      time: iso(String(p.time_ms)),
    };
  }
}
