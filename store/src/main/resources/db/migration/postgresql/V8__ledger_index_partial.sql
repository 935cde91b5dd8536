-- The ledger index's commit and deployment lookups (postgresql). Keep equivalent to the other dialect's
-- V8__ledger_index_partial.sql. Most entries (the gateway's decisions and completions, thousands a second under
-- load) have neither a commit nor a deployment id, and every index row costs each insert a B-tree update: these two
-- indexes now hold only the rows that have the value. A search by commit or deployment (column = ?) implies the
-- value is not null, so both engines still use them for it.
DROP INDEX ledger_index_by_commit;
DROP INDEX ledger_index_by_deployment;
CREATE INDEX ledger_index_by_commit ON ledger_index (commit_sha) WHERE commit_sha IS NOT NULL;
CREATE INDEX ledger_index_by_deployment ON ledger_index (deployment_id) WHERE deployment_id IS NOT NULL;
