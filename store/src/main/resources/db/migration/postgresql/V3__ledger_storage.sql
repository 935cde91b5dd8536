-- The tamper-evident ledger kept in PostgreSQL (ledger.backend: postgresql), for several server
-- replicas: C2SP tlog-tiles hash tiles and entry bundles by path, every published checkpoint, the
-- latest checkpoint (possibly carrying witness cosignatures), and the hand-off queue through which
-- replicas that are not the sequencer submit entries.

CREATE TABLE ledger_tile (
    path TEXT PRIMARY KEY,          -- tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]
    data BYTEA NOT NULL
);

CREATE TABLE ledger_checkpoint (
    seq BIGINT PRIMARY KEY,         -- publication order, from 1
    size BIGINT NOT NULL CHECK (size >= 0),
    note BYTEA NOT NULL             -- the signed note exactly as published
);
CREATE INDEX ledger_checkpoint_size ON ledger_checkpoint (size);

CREATE TABLE ledger_latest (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    seq BIGINT NOT NULL REFERENCES ledger_checkpoint (seq),
    size BIGINT NOT NULL,
    note BYTEA NOT NULL             -- the latest checkpoint, with any cosignatures added since
);

CREATE TABLE ledger_handoff (
    id BIGSERIAL PRIMARY KEY,
    entry BYTEA NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    claimed_size BIGINT,            -- the published tree size when the sequencer took the entry
    idx BIGINT,                     -- the entry's index once the sequencer made it durable
    failure TEXT                    -- why the sequencer refused it
);
CREATE INDEX ledger_handoff_open ON ledger_handoff (id) WHERE idx IS NULL AND failure IS NULL;
