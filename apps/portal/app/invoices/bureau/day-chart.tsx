// Gross invoiced per day as an inline SVG bar chart (no chart library). Bar heights are only
// proportions; every figure printed is formatted exactly from the integer amounts.
import { type TotalsRow, formatYuan, toMinor } from '../../_lib/invoice-api';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 24, right: 12, bottom: 40, left: 12 };

export function DayChart({ rows }: { rows: readonly TotalsRow[] }) {
  if (rows.length === 0) {
    return (
      <p className="muted" data-testid="day-chart-empty">
        No invoices yet: nothing to chart.
      </p>
    );
  }
  const days = rows.slice(-31); // the last month of days with invoices
  const amounts = days.map((d) => toMinor(d.grossMinor));
  const max = amounts.reduce((m, a) => (a > m ? a : m), 1n);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / days.length;
  const barW = Math.max(4, Math.min(48, slot * 0.7));
  // Proportions in thousandths, computed on bigint so a huge amount cannot lose the ratio.
  const ratio = (a: bigint) => Number(((a < 0n ? 0n : a) * 1000n) / max) / 1000;
  const label = `Gross invoiced per day (China Standard Time): ${days
    .map((d, i) => `${d.key} ${formatYuan(amounts[i])}`)
    .join('; ')}`;
  return (
    <figure className="chart">
      <svg
        data-testid="day-chart"
        role="img"
        aria-label={label}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        preserveAspectRatio="xMidYMid meet"
      >
        <line
          x1={PAD.left}
          x2={WIDTH - PAD.right}
          y1={PAD.top + plotH}
          y2={PAD.top + plotH}
          className="chart-axis"
        />
        {days.map((d, i) => {
          const h = Math.max(1, ratio(amounts[i]!) * plotH);
          const x = PAD.left + slot * i + (slot - barW) / 2;
          const y = PAD.top + plotH - h;
          const amount = formatYuan(amounts[i]);
          return (
            <g key={d.key} data-testid="day-bar" data-day={d.key} data-gross-minor={d.grossMinor}>
              <rect x={x} y={y} width={barW} height={h} className="chart-bar">
                <title>{`${d.key}: ${amount}, ${d.invoices} invoices, ${d.creditNotes} credit notes`}</title>
              </rect>
              {days.length <= 12 && (
                <text x={x + barW / 2} y={y - 6} textAnchor="middle" className="chart-value">
                  {amount}
                </text>
              )}
              <text
                x={x + barW / 2}
                y={PAD.top + plotH + 16}
                textAnchor="middle"
                className="chart-label"
              >
                {d.key.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">
        Gross invoiced per day (credit notes subtract), China Standard Time.
      </figcaption>
    </figure>
  );
}
