-- Billing (issue 4 parts 3-5): bill runs, invoices and credit notes with their lines, gapless numbering per site.
-- Idempotency lives in unique indexes, not in application checks: one original invoice per tenant and period, one
-- credit note per credited invoice, one rebill per replaced invoice. An issued document is never changed (trigger).

CREATE TABLE bill_run (
  id              uuid PRIMARY KEY,
  site_id         uuid NOT NULL REFERENCES site (id),
  period_from     date NOT NULL,
  period_to       date NOT NULL,
  status          text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  tenants_total   integer NOT NULL DEFAULT 0,
  tenants_done    integer NOT NULL DEFAULT 0,
  tenants_failed  integer NOT NULL DEFAULT 0,
  -- what the run did per outcome: created, updated (drafts re-rated), unchanged, corrected
  outcomes        jsonb NOT NULL DEFAULT '{}'::jsonb,
  failures        jsonb NOT NULL DEFAULT '[]'::jsonb,
  error           text,
  created_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  -- touched after every chunk; a run without progress for billing.staleRunSeconds is taken as interrupted
  heartbeat_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (period_from < period_to)
);
CREATE INDEX bill_run_site ON bill_run (site_id, created_at DESC);
-- One active run per site: two runs of one site never rate (and write drafts for) the same tenants at once.
CREATE UNIQUE INDEX bill_run_active ON bill_run (site_id) WHERE status IN ('queued', 'running');

-- Gapless numbers: one counter row per site, document kind and year, taken FOR UPDATE in the numbering transaction,
-- so a rolled-back transaction gives its numbers back and two concurrent finalizations queue on the row.
CREATE TABLE billing_sequence (
  site_id     uuid NOT NULL REFERENCES site (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  year        integer NOT NULL,
  last_value  bigint NOT NULL DEFAULT 0 CHECK (last_value >= 0),
  PRIMARY KEY (site_id, kind, year)
);

CREATE TABLE invoice (
  id                   uuid PRIMARY KEY,
  site_id              uuid NOT NULL,
  tenant_id            uuid NOT NULL,
  run_id               uuid REFERENCES bill_run (id),
  kind                 text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  status               text NOT NULL CHECK (status IN ('draft', 'finalized', 'issued')),
  billing_mode         text NOT NULL CHECK (billing_mode IN ('prepaid', 'postpaid')),
  period_from          date NOT NULL,
  period_to            date NOT NULL,
  currency             char(3) NOT NULL,
  number               text,
  subtotal_minor       bigint NOT NULL,
  tax_minor            bigint NOT NULL,
  total_minor          bigint NOT NULL,
  net_by_utility       jsonb NOT NULL,
  -- the rated input and result in one hash: a later run with the same hash has nothing to correct
  fingerprint          text NOT NULL,
  -- per utility: unit, total, estimated, meter sources with reads, daily totals (the PDF chart), peaks (ratchets)
  usage                jsonb NOT NULL,
  credits_invoice_id   uuid REFERENCES invoice (id),
  replaces_invoice_id  uuid REFERENCES invoice (id),
  finalized_at         timestamptz,
  issued_at            timestamptz,
  due_date             date,
  created_at           timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, site_id) REFERENCES tenant (id, site_id),
  CHECK (period_from < period_to),
  CHECK ((kind = 'credit_note') = (credits_invoice_id IS NOT NULL)),
  CHECK (kind = 'invoice' OR replaces_invoice_id IS NULL),
  CHECK ((status = 'draft') = (number IS NULL)),
  CHECK (status <> 'issued' OR issued_at IS NOT NULL)
);
CREATE UNIQUE INDEX invoice_number ON invoice (site_id, number) WHERE number IS NOT NULL;
-- One original invoice per tenant and period; every later version is a rebill of exactly one predecessor.
CREATE UNIQUE INDEX invoice_original ON invoice (tenant_id, period_from, period_to)
  WHERE kind = 'invoice' AND replaces_invoice_id IS NULL;
CREATE UNIQUE INDEX invoice_rebill ON invoice (replaces_invoice_id) WHERE replaces_invoice_id IS NOT NULL;
CREATE UNIQUE INDEX invoice_credit ON invoice (credits_invoice_id) WHERE credits_invoice_id IS NOT NULL;
CREATE INDEX invoice_site_period ON invoice (site_id, period_from, created_at);
CREATE INDEX invoice_tenant ON invoice (tenant_id, period_from);
CREATE INDEX invoice_run ON invoice (run_id);

CREATE TABLE invoice_line (
  invoice_id             uuid NOT NULL REFERENCES invoice (id),
  position               integer NOT NULL,
  utility                text NOT NULL,
  component_id           text NOT NULL,
  kind                   text NOT NULL CHECK (kind IN ('FIXED', 'ENERGY', 'DEMAND', 'MINIMUM', 'TAX')),
  description            text NOT NULL,
  tou_period             text,
  tier                   integer,
  quantity               numeric NOT NULL,
  unit                   text NOT NULL,
  rate                   numeric NOT NULL,
  amount_minor           bigint NOT NULL,
  service_start          date NOT NULL,
  service_end            date NOT NULL,
  tariff_id              uuid NOT NULL,
  tariff_version_id      uuid NOT NULL,
  tariff_version_number  integer NOT NULL,
  PRIMARY KEY (invoice_id, position)
);

-- Issued documents are immutable; finalized ones keep their number and amounts (only issuing may follow).
CREATE FUNCTION invoice_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'invoice % is %, it cannot be deleted', OLD.id, OLD.status USING ERRCODE = 'P0001';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'issued' THEN
    RAISE EXCEPTION 'invoice % is issued and immutable', OLD.id USING ERRCODE = 'P0001';
  END IF;
  IF OLD.status = 'finalized' AND (NEW.status NOT IN ('finalized', 'issued') OR NEW.number IS DISTINCT FROM OLD.number
      OR NEW.subtotal_minor <> OLD.subtotal_minor OR NEW.tax_minor <> OLD.tax_minor
      OR NEW.total_minor <> OLD.total_minor OR NEW.fingerprint <> OLD.fingerprint
      OR NEW.tenant_id <> OLD.tenant_id OR NEW.period_from <> OLD.period_from OR NEW.period_to <> OLD.period_to) THEN
    RAISE EXCEPTION 'invoice % is finalized: only issuing may change it', OLD.id USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER invoice_immutable BEFORE UPDATE OR DELETE ON invoice
  FOR EACH ROW EXECUTE FUNCTION invoice_immutable();

CREATE FUNCTION invoice_line_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.invoice_id ELSE OLD.invoice_id END;
  state text;
BEGIN
  SELECT status INTO state FROM invoice WHERE id = owner;
  IF state IS DISTINCT FROM 'draft' AND NOT (TG_OP = 'INSERT' AND state IS NULL) THEN
    RAISE EXCEPTION 'the lines of invoice % (%) cannot change', owner, state USING ERRCODE = 'P0001';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER invoice_line_immutable BEFORE INSERT OR UPDATE OR DELETE ON invoice_line
  FOR EACH ROW EXECUTE FUNCTION invoice_line_immutable();
