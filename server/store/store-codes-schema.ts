/**
 * In-store codes ("my cart in store") are rows of the handoffs table of kind `store`: short-lived,
 * stored by hash, made by a device for its profile, used once (a sale). Sharing the table gives them
 * the handoffs' erasure, export, anonymous retention and housekeeping as they are; the kind keeps a
 * code from ever being claimed as a link that moves a device. The same SQL on both engines.
 */
export const STORE_CODES_MIGRATION_NAME = 'in-store codes: handoffs get a kind (handoff or store)';

export const STORE_CODES_MIGRATION_SQL = `
  ALTER TABLE handoffs ADD COLUMN kind TEXT NOT NULL DEFAULT 'handoff' CHECK (kind IN ('handoff', 'store'));
`;
