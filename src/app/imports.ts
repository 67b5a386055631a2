/** The import use case: read a source format into a batch, then write it all in one transaction. */
import type { ImportBatch } from '../domain/import-batch.ts';
import { readSettings } from '../db/settings-store.ts';
import { applyImportBatch, type ImportSummary } from '../db/import-store.ts';
import { inWriteTransaction } from '../db/connection.ts';
import { appendAudit } from '../db/audit-store.ts';
import { readAlma } from '../import/alma.ts';
import { readUsersCsv } from '../import/csv.ts';
import { readEvergreen } from '../import/evergreen.ts';
import { readFolio } from '../import/folio.ts';
import type { ImportOptions } from '../import/import-options.ts';
import { readKoha } from '../import/koha.ts';
import type { AppContext } from './context.ts';

/** The formats `import --format` takes. */
export const IMPORT_FORMATS = ['folio', 'alma', 'koha', 'evergreen', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const READERS: Record<ImportFormat, (paths: string[], options: ImportOptions) => Promise<ImportBatch>> = {
  folio: readFolio,
  alma: readAlma,
  koha: readKoha,
  evergreen: readEvergreen,
  csv: (paths, options) => readUsersCsv(paths, options),
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

/** Writes a batch that is already read and validated, with an audit entry. */
export async function writeBatch(context: AppContext, batch: ImportBatch, actor: string): Promise<ImportSummary> {
  const now = context.clock.now().toISOString();
  return inWriteTransaction(context.db, async (trx) => {
    const summary = await applyImportBatch(trx, batch, now);
    const { warnings, ...counts } = summary;
    await appendAudit(trx, [{ at: now, actor, action: 'IMPORT', details: { source: batch.source, ...counts, warnings: warnings.length } }]);
    return summary;
  });
}
