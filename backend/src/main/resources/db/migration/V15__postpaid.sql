-- Postpaid receivables (io.gridledger.postpaid) and the finance overview (io.gridledger.finance).
-- Money moves only as ledger transfers (V9); these tables keep what the ledger does not know: which invoice a payment
-- paid, what is still open on each invoice, and each request's idempotency key and first answer.
-- Invariant (tested): a tenant's receivable balance = sum of open_minor of its invoices - its unapplied credit
-- (unallocated_minor of its payments and credit notes).

-- An issued invoice or credit note as posted by Receivables.postIssued (id = the billing document's id).
-- open_minor: what is still to be paid on an invoice (0 for a prepaid tenant's invoice whose wallet covered it).
-- unallocated_minor: a credit note's amount not applied to any invoice yet (tenant credit).
-- reconciled_minor: prepaid documents only, what was moved between wallet and revenue to match the final amount.
CREATE TABLE receivable_document (
  id                    uuid PRIMARY KEY,
  kind                  text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  site_id               uuid NOT NULL REFERENCES site (id),
  tenant_id             uuid NOT NULL,
  billing_mode          text NOT NULL CHECK (billing_mode IN ('prepaid', 'postpaid')),
  number                text NOT NULL,
  issued_at             timestamptz NOT NULL,
  issued_on             date NOT NULL,
  period_from           date NOT NULL,
  period_to             date NOT NULL,
  due_date              date,
  currency              char(3) NOT NULL,
  net_by_utility        jsonb NOT NULL,
  tax_minor             bigint NOT NULL CHECK (tax_minor >= 0),
  total_minor           bigint NOT NULL CHECK (total_minor >= 0),
  open_minor            bigint NOT NULL DEFAULT 0 CHECK (open_minor >= 0 AND open_minor <= total_minor),
  unallocated_minor     bigint NOT NULL DEFAULT 0 CHECK (unallocated_minor >= 0),
  reconciled_minor      bigint NOT NULL DEFAULT 0,
  corrects_document_id  uuid REFERENCES receivable_document (id),
  transfer_id           uuid,
  content_hash          text NOT NULL,
  posted_at             timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, site_id) REFERENCES tenant (id, site_id)
);

CREATE INDEX receivable_document_open ON receivable_document (tenant_id, due_date, issued_at) WHERE open_minor > 0;
CREATE INDEX receivable_document_tenant ON receivable_document (tenant_id, issued_on);
CREATE INDEX receivable_document_site ON receivable_document (site_id, issued_on);

-- A payment recorded by an operator (cash desk, bank transfer, online). unallocated_minor is tenant credit: applied
-- to the next invoice, or refunded. state: recorded -> reversed (a mistaken payment, undone by a reversing transfer).
CREATE TABLE tenant_payment (
  id                 uuid PRIMARY KEY,
  site_id            uuid NOT NULL REFERENCES site (id),
  tenant_id          uuid NOT NULL,
  method             text NOT NULL CHECK (method IN ('cash', 'bank_transfer', 'online')),
  amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
  currency           char(3) NOT NULL,
  received_on        date NOT NULL,
  reference          text,
  unallocated_minor  bigint NOT NULL CHECK (unallocated_minor >= 0),
  refunded_minor     bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
  state              text NOT NULL DEFAULT 'recorded' CHECK (state IN ('recorded', 'reversed')),
  transfer_id        uuid NOT NULL,
  reversal_transfer_id uuid,
  reversed_on        date,
  reversal_reason    text,
  idempotency_key    text NOT NULL,
  request_hash       text NOT NULL,
  response           text,
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, idempotency_key),
  FOREIGN KEY (tenant_id, site_id) REFERENCES tenant (id, site_id),
  CHECK (unallocated_minor + refunded_minor <= amount_minor)
);

CREATE INDEX tenant_payment_credit ON tenant_payment (tenant_id, created_at) WHERE unallocated_minor > 0;
CREATE INDEX tenant_payment_site ON tenant_payment (site_id, received_on);

-- Which invoice a payment or a credit note paid, and how much (rows shrink when a refund or reversal reopens the
-- invoice; the ledger keeps the money history).
CREATE TABLE payment_allocation (
  id            bigserial PRIMARY KEY,
  tenant_id     uuid NOT NULL,
  document_id   uuid NOT NULL REFERENCES receivable_document (id),
  payment_id    uuid REFERENCES tenant_payment (id),
  credit_note_id uuid REFERENCES receivable_document (id),
  amount_minor  bigint NOT NULL CHECK (amount_minor >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((payment_id IS NULL) <> (credit_note_id IS NULL))
);

CREATE INDEX payment_allocation_payment ON payment_allocation (payment_id);
CREATE INDEX payment_allocation_document ON payment_allocation (document_id);

-- A refund of (part of) a payment, idempotent per payment and Idempotency-Key.
CREATE TABLE payment_refund (
  id               uuid PRIMARY KEY,
  payment_id       uuid NOT NULL REFERENCES tenant_payment (id),
  site_id          uuid NOT NULL,
  tenant_id        uuid NOT NULL,
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  reason           text NOT NULL,
  refunded_on      date NOT NULL,
  transfer_id      uuid NOT NULL,
  idempotency_key  text NOT NULL,
  request_hash     text NOT NULL,
  response         text,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (payment_id, idempotency_key)
);

CREATE INDEX payment_refund_site ON payment_refund (site_id, refunded_on);
CREATE INDEX payment_refund_tenant ON payment_refund (tenant_id, refunded_on);

-- The finance transactions list reads a period of transfers. A BRIN index (transfers are appended in posting order)
-- costs next to nothing per insert, unlike a B-tree on the hottest table of the deduction benchmark.
CREATE INDEX ledger_transfer_posted_brin ON ledger_transfer USING brin (posted_at);

-- prepaid_charge's unpaid rows are found per tenant by the partial index prepaid_charge_unpaid (V12); every charge of
-- a tenant in a period (the bill run's reconciliation) by this one.
CREATE INDEX prepaid_charge_tenant_interval ON prepaid_charge (tenant_id, interval_start);
