import type { ExportRows } from './run-export.js';

/*
 * The fixture's GUIDs written out (see test/fixtures/dataset.md), so expectations read as literals.
 */
export const G = {
  L1: 'a0000000-0000-4000-8000-000000000001',
  L2: 'a0000000-0000-4000-8000-000000000002',
  L3: 'a0000000-0000-4000-8000-000000000003',
  L4: 'a0000000-0000-4000-8000-000000000004',
  L5: 'a0000000-0000-4000-8000-000000000005',
  S1: '5e000000-0000-4000-8000-000000000001',
  S2: '5e000000-0000-4000-8000-000000000002',
  S3: '5e000000-0000-4000-8000-000000000003',
  S4: '5e000000-0000-4000-8000-000000000004',
  S5: '5e000000-0000-4000-8000-000000000005',
  T1: '70000000-0000-4000-8000-000000000001',
  T2: '70000000-0000-4000-8000-000000000002',
  T3: '70000000-0000-4000-8000-000000000003',
  R1: '4e000000-0000-4000-8000-000000000001',
  R2: '4e000000-0000-4000-8000-000000000002',
  R3: '4e000000-0000-4000-8000-000000000003',
  R4: '4e000000-0000-4000-8000-000000000004',
  R5: '4e000000-0000-4000-8000-000000000005',
  R6: '4e000000-0000-4000-8000-000000000006',
  R7: '4e000000-0000-4000-8000-000000000007',
  R8: '4e000000-0000-4000-8000-000000000008',
  R9: '4e000000-0000-4000-8000-000000000009',
  R10: '4e000000-0000-4000-8000-000000000010',
  PUBLISHER_ACME: 'b0000000-0000-4000-8000-000000000001',
  PUBLISHER_OPEN: 'b0000000-0000-4000-8000-000000000002',
  PUBLISHER_UNUSED: 'b0000000-0000-4000-8000-000000000003',
  DEPARTMENT: '8345C0A3-B8AB-7F65-0638-39B0E1244AA8',
  COST_CENTRE: 'cf000000-0000-4000-8000-000000000002',
} as const;

const NAMES = new Map<string, string>(
  Object.entries(G)
    .filter(([k]) => /^R\d+$/.test(k))
    .map(([k, v]) => [v, k]),
);

/** The registrations of a result (R1, R2…), from its sessionRegistrationGuid column. */
export function registrationsOf(result: ExportRows, header = 'sessionRegistrationGuid'): string[] {
  const i = result.headers.indexOf(header);
  if (i < 0) throw new Error(`the export has no ${header} column`);
  return result.rows.map((cells) => NAMES.get(cells[i]!) ?? `? ${cells[i]}`);
}
