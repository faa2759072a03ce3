'use client';
// What the e-invoice pages share: the role tabs, the invoice line editor and status badges
// (sign-in is in ./sign-in).
import {
  type Invoice,
  type LineInput,
  formatYuan,
  invoiceHref,
  lineTotals,
  parsePercent,
  parseQuantity,
  parseYuan,
  InvoiceInputError,
} from '../../_lib/invoice-api';

const TABS = [
  { href: '/invoices/merchant', label: 'Merchant', id: 'merchant' },
  { href: '/invoices/wallet', label: 'Buyer & enterprise', id: 'wallet' },
  { href: '/invoices/bureau', label: 'Tax bureau', id: 'bureau' },
] as const;

export type Tab = (typeof TABS)[number]['id'] | 'hub' | 'invoice';

export function InvoiceHeader({ current, title }: { current: Tab; title: string }) {
  return (
    <>
      <p className="crumbs">
        <a href="/">Trellis</a> › <a href="/invoices">E-invoices</a>
        {current !== 'hub' && <> › {title}</>}
      </p>
      <h1>{title}</h1>
      <nav className="tabs" aria-label="E-invoice roles">
        {TABS.map((t) => (
          <a
            key={t.id}
            href={t.href}
            data-testid={`tab-${t.id}`}
            aria-current={current === t.id ? 'page' : undefined}
          >
            {t.label}
          </a>
        ))}
      </nav>
    </>
  );
}

/** One line as typed: text fields, parsed only when the form is sent. */
export interface LineDraft {
  readonly key: number;
  description: string;
  quantity: string;
  price: string;
  rate: string;
}

let nextKey = 1;
export function newLine(partial: Partial<Omit<LineDraft, 'key'>> = {}): LineDraft {
  return { key: nextKey++, description: '', quantity: '1', price: '', rate: '13', ...partial };
}

/** The drafts as API lines; throws InvoiceInputError naming the line at fault. */
export function parseLines(drafts: readonly LineDraft[]): LineInput[] {
  if (drafts.length === 0) throw new InvoiceInputError('no-lines', 'Add at least one line.');
  return drafts.map((d, i) => {
    const at = (e: unknown): never => {
      if (e instanceof InvoiceInputError) {
        throw new InvoiceInputError(e.code, `Line ${i + 1}: ${e.message}`);
      }
      throw e;
    };
    const description = d.description.trim();
    if (!description) at(new InvoiceInputError('no-description', 'describe the goods or service'));
    try {
      return {
        description,
        quantity: parseQuantity(d.quantity),
        unitPriceMinor: parseYuan(d.price),
        taxRateBasisPoints: parsePercent(d.rate),
      };
    } catch (e) {
      return at(e);
    }
  });
}

/** The total the lines will come to, or null while a line does not parse. */
function previewTotal(drafts: readonly LineDraft[]): string | null {
  try {
    const t = lineTotals(parseLines(drafts));
    return `net ${formatYuan(t.netMinor)} + tax ${formatYuan(t.taxMinor)} = ${formatYuan(t.grossMinor)}`;
  } catch {
    return null;
  }
}

export function LineEditor({
  lines,
  onChange,
  disabled,
  prefix,
}: {
  lines: readonly LineDraft[];
  onChange: (lines: LineDraft[]) => void;
  disabled: boolean;
  /** Distinguishes the test ids of two editors on one page. */
  prefix: string;
}) {
  const set = (key: number, field: keyof Omit<LineDraft, 'key'>, value: string) =>
    onChange(lines.map((l) => (l.key === key ? { ...l, [field]: value } : l)));
  const preview = previewTotal(lines);
  return (
    <fieldset className="lines" data-testid={`${prefix}-lines`}>
      <legend>Lines</legend>
      {lines.map((l, i) => (
        <div className="row line" key={l.key} data-testid={`${prefix}-line`}>
          <label className="grow">
            Description (line {i + 1})
            <input
              type="text"
              data-testid={`${prefix}-line-description`}
              value={l.description}
              maxLength={100}
              onChange={(e) => set(l.key, 'description', e.target.value)}
              disabled={disabled}
            />
          </label>
          <label className="narrow">
            Quantity
            <input
              type="text"
              inputMode="numeric"
              data-testid={`${prefix}-line-quantity`}
              value={l.quantity}
              onChange={(e) => set(l.key, 'quantity', e.target.value)}
              disabled={disabled}
            />
          </label>
          <label className="narrow">
            Unit price (¥)
            <input
              type="text"
              inputMode="decimal"
              data-testid={`${prefix}-line-price`}
              value={l.price}
              placeholder="0.00"
              onChange={(e) => set(l.key, 'price', e.target.value)}
              disabled={disabled}
            />
          </label>
          <label className="narrow">
            Tax rate (%)
            <input
              type="text"
              inputMode="decimal"
              data-testid={`${prefix}-line-rate`}
              value={l.rate}
              onChange={(e) => set(l.key, 'rate', e.target.value)}
              disabled={disabled}
            />
          </label>
          {lines.length > 1 && (
            <button
              type="button"
              className="secondary"
              aria-label={`Remove line ${i + 1}`}
              onClick={() => onChange(lines.filter((x) => x.key !== l.key))}
              disabled={disabled}
            >
              Remove
            </button>
          )}
        </div>
      ))}
      <div className="row">
        <button
          type="button"
          className="secondary"
          data-testid={`${prefix}-add-line`}
          onClick={() => onChange([...lines, newLine()])}
          disabled={disabled || lines.length >= 200}
        >
          Add a line
        </button>
        <span className="muted" data-testid={`${prefix}-preview`}>
          {preview ? `Total: ${preview}` : 'Total: fill in every line'}
        </span>
      </div>
    </fieldset>
  );
}

/** The chain status as badges: issued → claimed → reimbursed, credited, frozen. */
export function StatusBadges({ invoice }: { invoice: Invoice }) {
  return (
    <span className="badges">
      <span className={`badge-status status-${invoice.status}`} data-testid="status-badge">
        {invoice.status}
      </span>
      {invoice.frozen && (
        <span className="badge-status status-frozen" data-testid="frozen-badge">
          frozen
        </span>
      )}
    </span>
  );
}

export function InvoiceLink({ number }: { number: string }) {
  return (
    <a href={invoiceHref(number)} data-testid="invoice-link">
      <code>{number}</code>
    </a>
  );
}
