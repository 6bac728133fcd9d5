-- Allocation rollups: what a bill run reads, maintained with allocated_usage in the same transaction.
--
-- allocated_usage keeps one row per day, tenant, unit, meter register and rule (the explanation of every share).
-- Billing does not need that grain: it rates each tenant's summed 15-minute usage per utility and lists, per
-- source, the period totals. Reading a 10,000-tenant month from allocated_usage meant 620,000 wide rows summed in
-- the client; these two tables hold exactly what billing reads, already summed per tenant.

-- Per tenant, utility and site-local day: the tenant's 15-minute quantities summed over all its sources, packed as
-- big-endian integers of `value_bytes` bytes each (entry i = day_start + i * 15 min, thousandths of `unit`): 4 when
-- every value of the day fits (any tenant's: 2,147 MWh per interval), else 8. A bill run reads a month of these for
-- every tenant, so half the bytes is half the reading.
CREATE TABLE allocated_tenant_day (
  site_id      uuid NOT NULL REFERENCES site (id) ON DELETE CASCADE,
  day          date NOT NULL,
  tenant_id    uuid NOT NULL,
  utility      text NOT NULL,
  unit         text,
  day_start    timestamptz NOT NULL,
  value_bytes  smallint NOT NULL CHECK (value_bytes IN (4, 8)),
  quantities   bytea NOT NULL,
  total_milli  bigint NOT NULL,
  estimated    boolean NOT NULL,
  PRIMARY KEY (site_id, day, tenant_id, utility)
);
CREATE INDEX allocated_tenant_day_tenant ON allocated_tenant_day (tenant_id, day);

-- Per tenant and source (meter register through a rule) and day: the share and the meter's metered total, counted
-- once a day even when the tenant has two units on the meter. Narrow, so summing a month for every tenant of a site
-- is a short aggregate in the database.
CREATE TABLE allocated_source_day (
  site_id        uuid NOT NULL REFERENCES site (id) ON DELETE CASCADE,
  day            date NOT NULL,
  tenant_id      uuid NOT NULL,
  utility        text NOT NULL,
  meter_id       uuid NOT NULL,
  register       text NOT NULL,
  rule_id        uuid,
  rule_kind      text NOT NULL,
  share_milli    bigint NOT NULL,
  metered_milli  bigint NOT NULL,
  estimated      boolean NOT NULL
);
CREATE INDEX allocated_source_day_site_day ON allocated_source_day (site_id, day);
CREATE INDEX allocated_source_day_tenant ON allocated_source_day (tenant_id, day);

-- Days computed before the rollups existed have none: recompute them on the next read (a changed fingerprint would
-- too; clearing the stamps is the direct way).
DELETE FROM allocation_day;
