/** The columns a customer file may have, by their canonical (English, snake_case) names. */
export const importColumns = ['external_id', 'email', 'name', 'company', 'locale', 'tier', 'revenue', 'margin', 'period', 'account_owner', 'industry', 'size', 'region', 'customer_since'] as const;
export type ImportColumn = (typeof importColumns)[number];

/**
 * Headers accepted for each column, normalised (see `normalizeHeader`).
 * English and German names, and the usual variants CRMs and Excel exports use.
 */
const headerAliases: Record<ImportColumn, readonly string[]> = {
  external_id: ['externalid', 'customerid', 'customernumber', 'customerno', 'customernr', 'kundennummer', 'kundennr', 'kundenid', 'id'],
  email: ['email', 'emailaddress', 'mail', 'emailadresse'],
  name: ['name', 'contact', 'contactname', 'fullname', 'ansprechpartner', 'kontakt'],
  company: ['company', 'companyname', 'organisation', 'organization', 'firma', 'firmenname', 'unternehmen'],
  locale: ['locale', 'language', 'lang', 'sprache'],
  tier: ['tier', 'segment', 'stufe', 'kundenstufe', 'abcclass', 'abcklasse', 'class', 'klasse'],
  revenue: ['revenue', 'sales', 'turnover', 'umsatz', 'nettoumsatz'],
  margin: ['margin', 'contributionmargin', 'grossmargin', 'deckungsbeitrag', 'db', 'rohertrag'],
  period: ['period', 'quarter', 'quartal', 'periode', 'zeitraum'],
  account_owner: ['accountowner', 'betreuer', 'kundenbetreuer', 'accountmanager'],
  industry: ['industry', 'sector', 'vertical', 'branche', 'wirtschaftszweig', 'sektor'],
  size: ['size', 'companysize', 'employees', 'employeecount', 'headcount', 'größe', 'groesse', 'unternehmensgröße', 'unternehmensgroesse', 'firmengröße', 'firmengroesse', 'mitarbeiter', 'mitarbeiterzahl', 'anzahlmitarbeiter', 'beschäftigte'],
  region: ['region', 'area', 'territory', 'gebiet', 'vertriebsgebiet', 'bundesland'],
  customer_since: ['customersince', 'clientsince', 'since', 'startdate', 'kundeseit', 'seit', 'kundenseit'],
};

const columnByAlias = new Map<string, ImportColumn>(
  importColumns.flatMap((column) => headerAliases[column].map((alias) => [alias, column] as const)),
);

/** Longer than any header we recognise, with room for a unit in brackets. */
const MAX_HEADER_CHARS = 200;

/**
 * `Umsatz (EUR)` → `umsatz`, `E-Mail` → `email`, `Kunden-Nr.` → `kundennr`.
 * A header too long to be one we know normalises to '' (no column): the
 * bracket pattern below is quadratic in a run of unclosed brackets.
 */
export function normalizeHeader(header: string): string {
  if (header.length > MAX_HEADER_CHARS) return '';
  return header
    .normalize('NFC')
    .toLowerCase()
    .replace(/\(.*?\)|\[.*?\]/g, '')
    .replace(/[€$£]|\beur(o)?\b/g, '')
    .replace(/[\s_\-./:#'’]+/g, '');
}

export interface HeaderMatch {
  /** For each field of the header row, the column it holds, or null when ignored. */
  columns: Array<ImportColumn | null>;
  /** Headers that matched no column, as written. */
  ignored: string[];
  /** Columns named by more than one header. */
  repeated: ImportColumn[];
}

/** Maps a header row to columns, in any order and case. */
export function matchHeader(headers: readonly string[]): HeaderMatch {
  const seen = new Set<ImportColumn>();
  const repeated = new Set<ImportColumn>();
  const ignored: string[] = [];
  const columns = headers.map((header) => {
    const column = columnByAlias.get(normalizeHeader(header)) ?? null;
    if (column === null) {
      if (header.trim() !== '') ignored.push(header.trim());
    } else if (seen.has(column)) {
      repeated.add(column);
    } else {
      seen.add(column);
    }
    return column;
  });
  return { columns, ignored, repeated: [...repeated] };
}

/** The header names shown in messages about a missing column. */
export function exampleHeaders(column: ImportColumn): string {
  const examples: Record<ImportColumn, string> = {
    external_id: 'external_id, customer_id, Kundennummer',
    email: 'email, E-Mail',
    name: 'name, Name',
    company: 'company, Firma',
    locale: 'locale, language, Sprache',
    tier: 'tier, Stufe, Segment',
    revenue: 'revenue, Umsatz',
    margin: 'margin, Deckungsbeitrag',
    period: 'period, Quartal',
    account_owner: 'account_owner, Betreuer',
    industry: 'industry, Branche',
    size: 'size, employees, Mitarbeiter',
    region: 'region, Region',
    customer_since: 'customer_since, Kunde seit',
  };
  return examples[column];
}

/**
 * Picks the field delimiter from the header line: the most frequent of
 * semicolon, comma and tab outside quotes (German Excel writes semicolons).
 */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === ',' || char === ';' || char === '\t')) counts[char]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}
