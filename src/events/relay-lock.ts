/**
 * Key of the PostgreSQL advisory lock that orders relays: the relay holds it exclusively
 * (transaction-level) from numbering a batch to committing it, so publication order equals
 * `relay_seq` order; a resuming subscriber reads history under the shared lock, so every event
 * already published is also committed (no gap between replay and live).
 */
export const RELAY_LOCK_KEY = 7_311_905_001;
