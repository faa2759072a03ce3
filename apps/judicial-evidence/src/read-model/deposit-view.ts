/** A deposit as the API returns it (docs: the Deposit schema). */
export interface DepositView {
  readonly id: string;
  readonly sha256: string;
  readonly sm3: string;
  readonly type: string;
  readonly title: string;
  readonly depositor: string;
  readonly depositorName: string;
  readonly parent: string | null;
  readonly corrects: string | null;
  readonly correctedBy: readonly string[];
  readonly children: readonly string[];
  readonly hasPrivateMetadata: boolean;
  readonly height: string;
  readonly txIndex: number;
  readonly blockHash: string;
  readonly timeMs: string;
  readonly time: string;
  readonly presentations: readonly PresentationView[];
  readonly links: {
    readonly self: string;
    readonly proof: string;
    readonly certificate: string;
    readonly chain: string;
    readonly verifyPage: string;
  };
}

export interface PresentationView {
  readonly caseNumber: string;
  readonly court: string;
  readonly courtName: string;
  readonly presentedBy: string;
  readonly txId: string;
  readonly height: string;
  readonly time: string;
}

/** A row of evidence_deposit as pg returns it. */
export interface DepositRow {
  readonly id: string;
  readonly sha256: string;
  readonly sm3: string;
  readonly type: string;
  readonly title: string;
  readonly depositor: string;
  readonly parent: string | null;
  readonly corrects: string | null;
  readonly private_hash: string | null;
  readonly private_recipients: string[] | null;
  readonly height: string;
  readonly tx_index: number;
  readonly block_hash: string;
  readonly time_ms: string;
}
