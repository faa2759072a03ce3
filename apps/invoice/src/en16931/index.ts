export { En16931Error } from './errors';
export type { En16931ErrorCode } from './errors';
export {
  UblValidator,
  en16931UblSchematron,
  rewriteDescendants,
  splitUnion,
  ublValidator,
  validateUbl,
} from './validate-ubl';
export type { RuleFailure, RuleFlag, UblValidatorOptions, ValidationReport } from './validate-ubl';
export { buildUbl, exportUbl } from './export-ubl';
export type { ExportOptions } from './export-ubl';
export { importUbl, mapUbl } from './import-ubl';
export type { ImportResult } from './import-ubl';
export { VAT_CATEGORIES } from './model';
export type {
  DocumentAllowanceCharge,
  ExportableInvoice,
  ExportableLine,
  ImportedInvoice,
  ImportedLine,
  LineAllowanceCharge,
  Party,
  PaymentMeans,
  PostalAddress,
  Totals,
  VatBreakdown,
  VatCategory,
} from './model';
export { amountToMinor, basisPointsToPercent, minorToAmount, percentToBasisPoints } from './money';
export type { DecimalString } from './money';
export { contractLines } from './contract-lines';
