-- With SQLite the ledger lives in files under DATA_DIR/ledger/ (ledger.backend: filesystem); its
-- PostgreSQL tables (postgresql/V3__ledger_storage.sql) have no SQLite counterpart. This migration
-- exists so that both dialects keep the same schema versions.
SELECT 1;
