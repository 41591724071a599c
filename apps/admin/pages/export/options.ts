import type { StringKey } from '../../../shared/i18n/t.ts';
import type { DataKind, ExportKind } from './exportApi.ts';

/** What each export option offers (SPEC E4, E6, E8), in the order Zendesk lists them. */
export type ExportOption = {
  kind: ExportKind;
  title: StringKey;
  about: StringKey;
  /** Takes a date range on the records' last change (JSON, CSV). */
  ranged: boolean;
  /** JSON picks one of tickets, users or organizations. */
  pickDataType: boolean;
  /** ZIP64 for the formats that may pass 4 GB; classic ZIP32 for XML. */
  zip64: boolean;
  /** Refused above the ticket threshold, where only JSON is allowed. */
  ticketBound: boolean;
};

const OPTIONS: Record<ExportKind, ExportOption> = {
  json: { kind: 'json', title: 'export.type.json', about: 'export.about.json', ranged: true, pickDataType: true, zip64: true, ticketBound: false },
  csv: { kind: 'csv', title: 'export.type.csv', about: 'export.about.csv', ranged: true, pickDataType: false, zip64: true, ticketBound: true },
  xml: { kind: 'xml', title: 'export.type.xml', about: 'export.about.xml', ranged: false, pickDataType: false, zip64: false, ticketBound: true },
  user_xml: { kind: 'user_xml', title: 'export.type.user_xml', about: 'export.about.user_xml', ranged: false, pickDataType: false, zip64: false, ticketBound: false },
};

export const EXPORT_OPTIONS: readonly ExportOption[] = [OPTIONS.json, OPTIONS.csv, OPTIONS.xml, OPTIONS.user_xml];

export const optionOf = (kind: ExportKind): ExportOption => OPTIONS[kind];

export const DATA_TYPE_LABELS: Record<DataKind, StringKey> = {
  tickets: 'export.dataType.tickets',
  users: 'export.dataType.users',
  organizations: 'export.dataType.organizations',
};
