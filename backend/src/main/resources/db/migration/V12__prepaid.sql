-- Prepaid charging and cut-off policy (io.gridledger.prepaid).

-- The charger finds new and rebuilt intervals by the time they were (re)computed.
CREATE INDEX interval_consumption_computed_at ON interval_consumption (computed_at);

-- What each prepaid meter-interval costs and how much of it has been deducted from the tenant's wallet.
-- amount_* is the current rating of the interval (energy/volume and the taxes on it); charged_* what posted transfers
-- have moved. They differ while a deduction is refused for insufficient funds (retried on every scan) or when an
-- interval was rebuilt with another quantity (the difference is posted as a new transfer, numbered by revision).
CREATE TABLE prepaid_charge (
  meter_id              uuid NOT NULL,
  register              text NOT NULL,
  interval_start        timestamptz NOT NULL,
  site_id               uuid NOT NULL,
  tenant_id             uuid NOT NULL,
  utility               text NOT NULL,
  quantity              double precision NOT NULL,
  amount_energy_minor   bigint NOT NULL,
  amount_tax_minor      bigint NOT NULL,
  charged_energy_minor  bigint NOT NULL DEFAULT 0,
  charged_tax_minor     bigint NOT NULL DEFAULT 0,
  revision              integer NOT NULL DEFAULT 0,
  updated_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (meter_id, register, interval_start)
);

CREATE INDEX prepaid_charge_unpaid ON prepaid_charge (tenant_id)
  WHERE amount_energy_minor <> charged_energy_minor OR amount_tax_minor <> charged_tax_minor;

-- The charger's scan position, shared by all instances.
CREATE TABLE prepaid_scan (
  id          integer PRIMARY KEY CHECK (id = 1),
  watermark   timestamptz NOT NULL
);
INSERT INTO prepaid_scan (id, watermark) VALUES (1, now());

-- Since when a prepaid tenant's wallet is exhausted (NULL: it is not).
CREATE TABLE prepaid_tenant (
  tenant_id        uuid PRIMARY KEY,
  site_id          uuid NOT NULL,
  exhausted_since  timestamptz
);

-- Meters the prepaid policy switched off (or tried to), and why; a restore closes exactly these.
CREATE TABLE prepaid_cutoff (
  tenant_id   uuid NOT NULL,
  meter_id    uuid NOT NULL,
  site_id     uuid NOT NULL,
  command_id  uuid,
  outcome     text NOT NULL CHECK (outcome IN ('opened', 'refused')),
  reason      text NOT NULL,
  decided_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, meter_id)
);
