/** The import use case: read a source format into a batch, then write it all in one transaction. */
import type { ImportBatch } from '../domain/import-batch.ts';
import { readSettings } from '../db/settings-store.ts';
import { applyImportBatch, describePurgeDates, type ImportSummary } from '../db/import-store.ts';
import { inWriteTransaction } from '../db/connection.ts';
import { appendAudit } from '../db/audit-store.ts';
import type { ImportOptions } from '../import/import-options.ts';
import type { AppContext } from './context.ts';

/** The formats `import --format` takes. */
export const IMPORT_FORMATS = ['folio', 'alma', 'koha', 'evergreen', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

// Each reader (and its parser libraries) is loaded only when its format is imported: every other
// command starts faster.
const READERS: Record<ImportFormat, (paths: string[], options: ImportOptions) => Promise<ImportBatch>> = {
  folio: async (paths, options) => (await import('../import/folio.ts')).readFolio(paths, options),
  alma: async (paths, options) => (await import('../import/alma.ts')).readAlma(paths, options),
  koha: async (paths, options) => (await import('../import/koha.ts')).readKoha(paths, options),
  evergreen: async (paths, options) => (await import('../import/evergreen.ts')).readEvergreen(paths, options),
  csv: async (paths, options) => (await import('../import/csv.ts')).readUsersCsv(paths, options),
};

/**
 * Imports `paths` of one format. The whole input is read and validated first (a malformed record
 * throws IMPORT_MALFORMED and nothing is written), then written in one transaction.
 */
export async function importFiles(
  context: AppContext,
  format: ImportFormat,
  paths: string[],
  options: { purgeDaysAfterExpiry: number | null; actor: string },
): Promise<ImportSummary> {
  const settings = await readSettings(context.db.kysely);
  const batch = await READERS[format](paths, { currency: settings.currency, purgeDaysAfterExpiry: options.purgeDaysAfterExpiry });
  return writeBatch(context, batch, options.actor);
}

/**
 * Writes a batch that is already read and validated, with an audit entry. The summary's warnings end
 * with those about the users' purge dates as written (renewed users who keep an earlier purge date,
 * users without one), one line each.
 */
export async function writeBatch(context: AppContext, batch: ImportBatch, actor: string): Promise<ImportSummary> {
  const now = context.clock.now().toISOString();
  return inWriteTransaction(context.db, async (trx) => {
    const summary = await applyImportBatch(trx, batch, now);
    summary.warnings.push(...(await describePurgeDates(trx, batch)));
    const { warnings, ...counts } = summary;
    await appendAudit(trx, [{ at: now, actor, action: 'IMPORT', details: { source: batch.source, ...counts, warnings: warnings.length } }]);
    return summary;
  });
}
