-- The double-entry ledger (accounts, transfers, legs) and the payment side of top-ups (top_up, payment_event).
-- Money is bigint minor units with its currency. Transfers and legs are immutable: corrections are new transfers.

-- One account per (site, currency, kind, tenant, qualifier). balance_minor is in the account's normal sense:
-- debits - credits for debit-normal accounts (assets, expenses), credits - debits for credit-normal ones (liabilities,
-- revenue). last_seq numbers the account's legs 1, 2, 3...; both change only together with new legs, under a row lock.
CREATE TABLE ledger_account (
  id                  uuid PRIMARY KEY,
  site_id             uuid NOT NULL REFERENCES site (id),
  tenant_id           uuid,
  kind                text NOT NULL CHECK (kind IN ('tenant_wallet', 'tenant_receivable', 'revenue', 'tax_payable',
                        'cash_clearing', 'provider_clearing', 'write_off')),
  qualifier           text NOT NULL DEFAULT '',
  currency            char(3) NOT NULL,
  normal_side         char(1) NOT NULL CHECK (normal_side IN ('D', 'C')),
  balance_minor       bigint NOT NULL DEFAULT 0,
  last_seq            bigint NOT NULL DEFAULT 0,
  enforce_limit       boolean NOT NULL,
  credit_limit_minor  bigint NOT NULL DEFAULT 0 CHECK (credit_limit_minor >= 0),
  low_balance_minor   bigint NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL DEFAULT now(),
  -- The last line of defence for "a wallet never goes below its credit limit": whatever the code does, the row
  -- cannot hold such a balance.
  CONSTRAINT ledger_account_within_limit CHECK (NOT enforce_limit OR balance_minor >= -credit_limit_minor),
  CONSTRAINT ledger_account_tenant_kinds CHECK ((tenant_id IS NOT NULL) = (kind IN ('tenant_wallet', 'tenant_receivable'))),
  FOREIGN KEY (tenant_id, site_id) REFERENCES tenant (id, site_id)
) WITH (fillfactor = 80);

CREATE UNIQUE INDEX ledger_account_identity ON ledger_account
  (site_id, currency, kind, coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), qualifier);
CREATE INDEX ledger_account_tenant ON ledger_account (tenant_id) WHERE tenant_id IS NOT NULL;

-- A transfer's id is the client's idempotency key; content_hash (SHA-256 of its canonical content) tells a replay
-- from a different transfer under the same id. A transfer is reversed at most once (unique reverses_transfer_id).
CREATE TABLE ledger_transfer (
  id                    uuid PRIMARY KEY,
  site_id               uuid NOT NULL,
  currency              char(3) NOT NULL,
  kind                  text NOT NULL,
  description           text,
  reverses_transfer_id  uuid REFERENCES ledger_transfer (id),
  metadata              jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash          bytea NOT NULL,
  created_by            text NOT NULL,
  posted_at             timestamptz NOT NULL DEFAULT now()
);

-- Partial, so the great majority of transfers (which reverse nothing) add no entry to it.
CREATE UNIQUE INDEX ledger_transfer_reversed_once ON ledger_transfer (reverses_transfer_id)
  WHERE reverses_transfer_id IS NOT NULL;

-- One row per account touched by a transfer; (account_id, account_seq) orders an account's history, and
-- balance_after_minor is the account's balance right after this leg (the running balance of its statement).
-- Its references are checked once per INSERT statement by ledger_leg_check (below) rather than by foreign keys: a
-- foreign key runs one locking lookup per row, which halved the throughput of batched postings.
CREATE TABLE ledger_leg (
  account_id           uuid NOT NULL,
  account_seq          bigint NOT NULL,
  transfer_id          uuid NOT NULL,
  side                 char(1) NOT NULL CHECK (side IN ('D', 'C')),
  amount_minor         bigint NOT NULL CHECK (amount_minor > 0),
  balance_after_minor  bigint NOT NULL,
  posted_at            timestamptz NOT NULL,
  PRIMARY KEY (account_id, account_seq)
);

CREATE INDEX ledger_leg_transfer ON ledger_leg (transfer_id);

-- Immutability in the database itself: no code path, migration or console session edits or deletes history.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger history is immutable: % on % refused (post a reversing transfer instead)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER ledger_transfer_immutable BEFORE UPDATE OR DELETE ON ledger_transfer
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transfer_no_truncate BEFORE TRUNCATE ON ledger_transfer
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_leg_immutable BEFORE UPDATE OR DELETE ON ledger_leg
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_leg_no_truncate BEFORE TRUNCATE ON ledger_leg
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
-- Accounts change (balance, limits) but are never deleted: their history refers to them.
CREATE TRIGGER ledger_account_no_delete BEFORE DELETE ON ledger_account
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

-- Set-based checks of every INSERT into ledger_leg, in the database itself, in one pass over the new rows: each leg's
-- account and transfer exist and share site and currency; every transfer touched has at least two legs that balance
-- (debits = credits); and its legs come with the transfer itself (the transfer row was written by this transaction),
-- so legs are never added to a posted transfer.
CREATE FUNCTION ledger_leg_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad uuid;
  transfer_ids uuid[];
  account_ids uuid[];
BEGIN
  -- The transfers and accounts are fetched by primary key (= ANY), never by a join the planner could turn into a
  -- scan of the whole table: the new rows have no statistics, and the tables only grow.
  SELECT array_agg(DISTINCT n.transfer_id), array_agg(DISTINCT n.account_id) INTO transfer_ids, account_ids FROM new_legs n;
  SELECT g.transfer_id INTO bad FROM (SELECT n.transfer_id, count(*) AS legs,
      sum(CASE WHEN n.side = 'D' THEN n.amount_minor ELSE -n.amount_minor END) AS net,
      bool_and(a.id IS NOT NULL AND t.id IS NOT NULL AND a.site_id = t.site_id AND a.currency = t.currency AND t.mine) AS sound
    FROM new_legs n
    LEFT JOIN (SELECT id, site_id, currency FROM ledger_account WHERE id = ANY(account_ids)) a ON a.id = n.account_id
    LEFT JOIN (SELECT id, site_id, currency, xmin = xid(pg_current_xact_id()) AS mine FROM ledger_transfer
      WHERE id = ANY(transfer_ids)) t ON t.id = n.transfer_id
    GROUP BY n.transfer_id) g
    WHERE g.legs < 2 OR g.net <> 0 OR NOT g.sound LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transfer % refused: its legs do not balance, are fewer than two, name a missing account or '
      'transfer or one of another site or currency, or extend a transfer posted earlier', bad
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER ledger_leg_check AFTER INSERT ON ledger_leg REFERENCING NEW TABLE AS new_legs
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_leg_check();

-- A top-up of a tenant wallet through a payment provider. (account_id, idempotency_key) is the client's retry key;
-- request_hash tells a replay from a different request under the same key; response is the first answer, replayed
-- byte for byte. clearing_account_id is where the provider's money sits (debited when the wallet is credited).
-- No foreign keys to ledger_account on purpose: their FOR KEY SHARE checks would lock accounts outside the ledger's
-- id order and could deadlock with concurrent postings (accounts are never deleted).
-- state: pending -> succeeded | failed | expired (a provider's verified payment still credits a failed or expired
-- top-up: the money was taken). transfer_id is the one credit.
CREATE TABLE top_up (
  id               uuid PRIMARY KEY,
  site_id          uuid NOT NULL REFERENCES site (id),
  tenant_id        uuid NOT NULL,
  account_id       uuid NOT NULL,
  clearing_account_id uuid NOT NULL,
  idempotency_key  text NOT NULL,
  request_hash     text NOT NULL,
  provider         text NOT NULL CHECK (provider IN ('cash', 'sandbox', 'stripe')),
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  currency         char(3) NOT NULL,
  state            text NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'expired')),
  checkout_id      text,
  checkout_url     text,
  payment_id       text,
  transfer_id      uuid REFERENCES ledger_transfer (id),
  reference        text,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  response         text,
  UNIQUE (account_id, idempotency_key),
  UNIQUE (provider, checkout_id)
);

CREATE INDEX top_up_account ON top_up (account_id, created_at);

-- Every provider notification that passed signature verification, once per provider event id, with what it did.
CREATE TABLE payment_event (
  provider     text NOT NULL,
  event_id     text NOT NULL,
  event_type   text NOT NULL,
  top_up_id    uuid REFERENCES top_up (id),
  outcome      text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);
