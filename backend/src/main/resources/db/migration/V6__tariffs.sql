-- Tariffs (issue 4): a tariff belongs to a site and has versions, each a validated JSON document (docs/tariffs.md)
-- in force from a site-local date until the next version. Tenants are assigned a tariff per utility from a date
-- until their next assignment for that utility. Holidays are site-local dates (TOU day type "holiday").

CREATE TABLE tariff (
  id          uuid PRIMARY KEY,
  site_id     uuid NOT NULL REFERENCES site (id),
  name        text NOT NULL,
  utility     text NOT NULL CHECK (utility IN ('electricity', 'water', 'gas', 'heat', 'cooling')),
  source      jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (site_id, name),
  UNIQUE (id, site_id)
);
CREATE INDEX tariff_site_name ON tariff (site_id, name, id);

CREATE TABLE tariff_version (
  id              uuid PRIMARY KEY,
  tariff_id       uuid NOT NULL REFERENCES tariff (id) ON DELETE CASCADE,
  version_number  integer NOT NULL CHECK (version_number > 0),
  effective_from  date NOT NULL,
  document        jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tariff_id, version_number),
  UNIQUE (tariff_id, effective_from)
);

-- An assignment is the tenant's own setting: it goes with the tenant. A tariff still assigned cannot be deleted.
CREATE TABLE tariff_assignment (
  site_id         uuid NOT NULL,
  tenant_id       uuid NOT NULL,
  utility         text NOT NULL CHECK (utility IN ('electricity', 'water', 'gas', 'heat', 'cooling')),
  tariff_id       uuid NOT NULL,
  effective_from  date NOT NULL,
  PRIMARY KEY (tenant_id, utility, effective_from),
  FOREIGN KEY (tenant_id, site_id) REFERENCES tenant (id, site_id) ON DELETE CASCADE,
  FOREIGN KEY (tariff_id, site_id) REFERENCES tariff (id, site_id)
);
CREATE INDEX tariff_assignment_site ON tariff_assignment (site_id, effective_from);
CREATE INDEX tariff_assignment_tariff ON tariff_assignment (tariff_id);

CREATE TABLE site_holiday (
  site_id  uuid NOT NULL REFERENCES site (id) ON DELETE CASCADE,
  day      date NOT NULL,
  name     text NOT NULL,
  PRIMARY KEY (site_id, day)
);

-- The demo seeds its tariffs once, also into a demo database seeded before tariffs existed.
ALTER TABLE demo_seed ADD COLUMN tariffs_seeded_at timestamptz;
