-- Portcullis deployments (sqlite). Keep equivalent to the other dialect's V7__deployments.sql.
-- One row per admission attempt of a Metadata API deployment (docs/DEPLOY.md, "Approvals, snapshots and
-- the ledger"): what was asked, what policy decided, the approval used, the snapshot taken before it ran,
-- and how it ended. Rows are updated (state, times, result) but never deleted by Portcullis; each state
-- change is a conditional update from the state before it.

CREATE TABLE deployment (
  id                  TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  org_alias           TEXT NOT NULL CHECK (length(org_alias) >= 1),
  environment         TEXT NOT NULL,
  state               TEXT NOT NULL CHECK (state IN ('refused', 'held', 'admitted', 'running', 'succeeded', 'partial',
                                                      'failed', 'canceled', 'error')),
  effect              TEXT NOT NULL CHECK (effect IN ('admitted', 'held', 'refused')),  -- what admission said
  via                 TEXT NOT NULL,  -- gateway-soap, gateway-rest, rollback, cli ...
  requested_at        TEXT NOT NULL,
  started_at          TEXT,
  completed_at        TEXT,
  package_sha256      TEXT CHECK (package_sha256 IS NULL OR length(package_sha256) = 64),  -- null: unreadable package
  component_count     INTEGER NOT NULL CHECK (component_count >= 0),
  destructive         INTEGER NOT NULL CHECK (destructive IN (0, 1)),
  check_only          INTEGER NOT NULL CHECK (check_only IN (0, 1)),
  quick_deploy_of     TEXT,           -- the Salesforce id of the validation this quick deploy deploys
  test_level          TEXT NOT NULL,  -- empty: Salesforce's default
  tests               TEXT NOT NULL,  -- newline-separated test classes
  requester_kind      TEXT NOT NULL,  -- oidc, mtls, person
  requester_issuer    TEXT NOT NULL CHECK (length(requester_issuer) >= 1),
  requester_subject   TEXT NOT NULL CHECK (length(requester_subject) >= 1),
  requester_actor     TEXT,           -- the person behind a CI run, if known
  session_id          TEXT,
  git_repository      TEXT,
  git_commit          TEXT,
  git_branch          TEXT,
  git_run             TEXT,
  git_protected       INTEGER CHECK (git_protected IS NULL OR git_protected IN (0, 1)),
  decision_id         TEXT NOT NULL,
  rules               TEXT NOT NULL,  -- newline-separated rule ids that decided
  reason              TEXT NOT NULL,
  approval_id         TEXT,
  approvers           TEXT NOT NULL,  -- newline-separated subjects of the approving votes used
  salesforce_deploy_id TEXT,
  snapshot_sha256     TEXT CHECK (snapshot_sha256 IS NULL OR length(snapshot_sha256) = 64),
  rollback_sha256     TEXT CHECK (rollback_sha256 IS NULL OR length(rollback_sha256) = 64),
  rollback_of         TEXT,           -- the deployment whose snapshot this one redeploys
  component_list      TEXT NOT NULL,  -- newline-separated Type:FullName (what the ledger's deploy.completed lists)
  change_list         TEXT NOT NULL,  -- newline-separated one-line change summaries
  result              TEXT,           -- JSON summary of Salesforce's DeployResult
  CHECK (effect = 'admitted' OR state = effect),
  CHECK (state NOT IN ('refused', 'held') OR state = effect)
) STRICT;

CREATE INDEX deployment_by_org ON deployment (org_alias, requested_at);
CREATE INDEX deployment_by_salesforce_id ON deployment (org_alias, salesforce_deploy_id);
CREATE INDEX deployment_by_rollback ON deployment (org_alias, rollback_sha256);
