import { antiCounterfeitVertical } from '@trellis/anti-counterfeit';
import { copyrightVertical } from '@trellis/copyright';
import { govDirectoryVertical } from '@trellis/gov-directory';
import { invoiceVertical } from '@trellis/invoice';
import { judicialEvidenceVertical } from '@trellis/judicial-evidence';
import type { VerticalDescriptor } from '@trellis/shared';
import { supplyFinanceVertical } from '@trellis/supply-finance';

/** Every vertical the all-in-one API server mounts, each under `/api/<name>`. */
export const ALL_VERTICALS: readonly VerticalDescriptor[] = [
  invoiceVertical,
  supplyFinanceVertical,
  copyrightVertical,
  antiCounterfeitVertical,
  judicialEvidenceVertical,
  govDirectoryVertical,
];
