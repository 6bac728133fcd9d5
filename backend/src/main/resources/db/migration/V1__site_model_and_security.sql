-- The asset registry (sites .. meters) and the security model (users, API keys, secrets).
-- Child tables carry site_id and reference their parent through (id, site_id), so the database itself refuses an
-- object that points at another site's building, floor, unit, tenant or meter.

CREATE TABLE site (
  id          uuid PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  time_zone   text NOT NULL,
  currency    char(3) NOT NULL,
  address     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE building (
  id          uuid PRIMARY KEY,
  site_id     uuid NOT NULL REFERENCES site (id),
  name        text NOT NULL,
  footprint   jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (site_id, name),
  UNIQUE (id, site_id)
);

CREATE TABLE floor (
  id           uuid PRIMARY KEY,
  site_id      uuid NOT NULL,
  building_id  uuid NOT NULL,
  level        integer NOT NULL,
  name         text NOT NULL,
  elevation_m  numeric(9, 3) NOT NULL,
  height_m     numeric(7, 3) NOT NULL CHECK (height_m > 0),
  footprint    jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (building_id, site_id) REFERENCES building (id, site_id),
  UNIQUE (building_id, level),
  UNIQUE (id, site_id)
);

CREATE TABLE unit (
  id          uuid PRIMARY KEY,
  site_id     uuid NOT NULL,
  floor_id    uuid NOT NULL,
  name        text NOT NULL,
  area_m2     numeric(12, 2) NOT NULL CHECK (area_m2 > 0),
  use         text NOT NULL CHECK (use IN ('office', 'retail', 'industrial', 'clinical', 'common')),
  headcount   integer CHECK (headcount >= 0),
  footprint   jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (floor_id, site_id) REFERENCES floor (id, site_id),
  UNIQUE (floor_id, name),
  UNIQUE (id, site_id)
);
CREATE INDEX unit_site_name ON unit (site_id, name, id);

CREATE TABLE tenant (
  id            uuid PRIMARY KEY,
  site_id       uuid NOT NULL REFERENCES site (id),
  legal_name    text NOT NULL,
  contact       jsonb NOT NULL DEFAULT '{}'::jsonb,
  billing_mode  text NOT NULL CHECK (billing_mode IN ('prepaid', 'postpaid')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (site_id, legal_name),
  UNIQUE (id, site_id)
);

-- Dates are site-local calendar days, both inclusive; to_date NULL is open-ended. Overlap is refused by the
-- occupancy service under a row lock on the unit (see OccupancyStore), so two concurrent requests cannot both win.
CREATE TABLE occupancy (
  id          uuid PRIMARY KEY,
  site_id     uuid NOT NULL,
  tenant_id   uuid NOT NULL,
  unit_id     uuid NOT NULL,
  from_date   date NOT NULL,
  to_date     date,
  created_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, site_id) REFERENCES tenant (id, site_id),
  FOREIGN KEY (unit_id, site_id) REFERENCES unit (id, site_id),
  CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX occupancy_unit ON occupancy (unit_id, from_date);
CREATE INDEX occupancy_tenant ON occupancy (tenant_id, from_date);

CREATE TABLE meter (
  id               uuid PRIMARY KEY,
  site_id          uuid NOT NULL REFERENCES site (id),
  serial           text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('electricity', 'water', 'gas', 'heat', 'cooling', 'environment')),
  model            text,
  location_level   text NOT NULL CHECK (location_level IN ('site', 'building', 'floor', 'unit')),
  building_id      uuid,
  floor_id         uuid,
  unit_id          uuid,
  parent_meter_id  uuid,
  multiplier       numeric(14, 4) NOT NULL DEFAULT 1 CHECK (multiplier > 0),
  registers        jsonb NOT NULL,
  protocol         text NOT NULL CHECK (protocol IN ('modbus', 'opcua', 'mqtt', 'http', 'manual')),
  binding          jsonb NOT NULL,
  critical_load    boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (site_id, serial),
  UNIQUE (id, site_id),
  FOREIGN KEY (building_id, site_id) REFERENCES building (id, site_id),
  FOREIGN KEY (floor_id, site_id) REFERENCES floor (id, site_id),
  FOREIGN KEY (unit_id, site_id) REFERENCES unit (id, site_id),
  FOREIGN KEY (parent_meter_id, site_id) REFERENCES meter (id, site_id),
  CHECK (parent_meter_id IS NULL OR parent_meter_id <> id)
);
CREATE INDEX meter_unit ON meter (unit_id);
CREATE INDEX meter_parent ON meter (parent_meter_id);

CREATE TABLE app_user (
  id             uuid PRIMARY KEY,
  username       text NOT NULL UNIQUE,
  password_hash  text NOT NULL,
  role           text NOT NULL CHECK (role IN ('admin', 'operator', 'tenant', 'integration')),
  site_ids       uuid[] NOT NULL DEFAULT '{}',
  tenant_id      uuid REFERENCES tenant (id) ON DELETE CASCADE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'tenant') = (tenant_id IS NOT NULL))
);

CREATE TABLE api_key (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  key_hash    text NOT NULL UNIQUE,
  prefix      text NOT NULL,
  role        text NOT NULL CHECK (role IN ('operator', 'integration')),
  site_ids    uuid[] NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- Secrets shared by every backend instance on this database (the JWT signing key when none is configured).
CREATE TABLE system_secret (
  name        text PRIMARY KEY,
  value       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Set once by demo mode, so a restart never seeds the demo site twice.
CREATE TABLE demo_seed (
  id          integer PRIMARY KEY CHECK (id = 1),
  site_id     uuid NOT NULL,
  seeded_at   timestamptz NOT NULL DEFAULT now()
);
