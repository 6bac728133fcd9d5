-- Field data. Raw register readings are append-only and partitioned by month of ts: old months can be detached and
-- archived without touching live ones, and time-bounded queries scan only their months. Everything derived from them
-- (intervals, quarantine, alarms) lives in other tables and can be rebuilt from the raw rows.

CREATE TABLE reading (
  meter_id     uuid NOT NULL,
  register     text NOT NULL,
  ts           timestamptz NOT NULL,
  value        double precision NOT NULL,          -- in the meter register's declared unit, multiplier not applied
  quality      text NOT NULL DEFAULT 'good' CHECK (quality IN ('good', 'uncertain')),
  source       text NOT NULL CHECK (source IN ('mqtt', 'modbus', 'opcua', 'http', 'csv', 'manual')),
  gateway      text,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (meter_id, register, ts)
) PARTITION BY RANGE (ts);

-- Rows outside every monthly partition (historic imports, clocks gone wrong) land here rather than being refused.
CREATE TABLE reading_default PARTITION OF reading DEFAULT;

-- Creates the month's partition unless rows for that month already sit in the default partition (then they stay
-- there: moving them would lock the table; queries find them either way).
CREATE FUNCTION ensure_reading_partition(month_start date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  name text := 'reading_' || to_char(month_start, 'YYYY_MM');
  next_month date := (month_start + interval '1 month')::date;
BEGIN
  IF to_regclass(name) IS NOT NULL THEN
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM reading_default WHERE ts >= month_start AND ts < next_month) THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF reading FOR VALUES FROM (%L) TO (%L)',
                 name, month_start::text || ' 00:00:00+00', next_month::text || ' 00:00:00+00');
END;
$$;

-- What could not be ingested, with why, so nothing sent to us is silently lost.
CREATE TABLE dead_letter (
  id           uuid PRIMARY KEY,
  received_at  timestamptz NOT NULL DEFAULT now(),
  site_id      uuid REFERENCES site (id) ON DELETE CASCADE,   -- null when the sender could not be tied to a site
  source       text NOT NULL,
  gateway      text,
  meter_serial text,
  register     text,
  reason       text NOT NULL,
  payload      text NOT NULL
);
CREATE INDEX dead_letter_site ON dead_letter (site_id, received_at DESC);

-- An explicit meter swap on one register: the old meter's final reading and the new one's initial reading at ts.
CREATE TABLE meter_exchange (
  id                 uuid PRIMARY KEY,
  site_id            uuid NOT NULL,
  meter_id           uuid NOT NULL,
  register           text NOT NULL,
  ts                 timestamptz NOT NULL,
  old_final_value    double precision NOT NULL CHECK (old_final_value >= 0),
  new_initial_value  double precision NOT NULL CHECK (new_initial_value >= 0),
  new_serial         text,
  note               text,
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (meter_id, site_id) REFERENCES meter (id, site_id) ON DELETE CASCADE,
  UNIQUE (meter_id, register, ts)
);

-- Interval consumption derived from the raw readings (multiplier applied). Rebuilt for a window whenever readings
-- or exchanges in it change, so late data replaces estimates.
CREATE TABLE interval_consumption (
  meter_id        uuid NOT NULL REFERENCES meter (id) ON DELETE CASCADE,
  register        text NOT NULL,
  interval_start  timestamptz NOT NULL,
  interval_end    timestamptz NOT NULL,
  consumption     double precision NOT NULL,
  quality         text NOT NULL CHECK (quality IN ('actual', 'estimated')),
  computed_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (meter_id, register, interval_start)
);

-- Readings the VEE rules excluded (a decrease that is no rollover, an implausible jump), with the reason.
CREATE TABLE reading_quarantine (
  meter_id   uuid NOT NULL REFERENCES meter (id) ON DELETE CASCADE,
  register   text NOT NULL,
  ts         timestamptz NOT NULL,
  reason     text NOT NULL,
  PRIMARY KEY (meter_id, register, ts)
);

CREATE TABLE alarm (
  id               uuid PRIMARY KEY,
  site_id          uuid NOT NULL REFERENCES site (id) ON DELETE CASCADE,
  meter_id         uuid REFERENCES meter (id) ON DELETE CASCADE,
  kind             text NOT NULL,
  severity         text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  state            text NOT NULL CHECK (state IN ('active', 'acknowledged', 'cleared')),
  message          text NOT NULL,
  details          jsonb NOT NULL DEFAULT '{}'::jsonb,
  raised_at        timestamptz NOT NULL DEFAULT now(),
  last_seen_at     timestamptz NOT NULL DEFAULT now(),
  occurrences      integer NOT NULL DEFAULT 1,
  acknowledged_by  text,
  acknowledged_at  timestamptz,
  cleared_by       text,
  cleared_at       timestamptz
);
-- One open alarm per meter and kind: a repeat bumps occurrences instead of flooding the list.
CREATE UNIQUE INDEX alarm_open_per_meter_kind ON alarm (meter_id, kind) WHERE state <> 'cleared';
CREATE INDEX alarm_site_state ON alarm (site_id, state, raised_at DESC);

-- Last contact per device (meter) and per gateway, for online/offline and communication error counts.
CREATE TABLE device_status (
  meter_id       uuid PRIMARY KEY REFERENCES meter (id) ON DELETE CASCADE,
  last_seen_at   timestamptz,
  last_error_at  timestamptz,
  last_error     text,
  error_count    bigint NOT NULL DEFAULT 0,
  reading_count  bigint NOT NULL DEFAULT 0
);

CREATE TABLE gateway_status (
  site_id        uuid NOT NULL REFERENCES site (id) ON DELETE CASCADE,
  gateway        text NOT NULL,
  protocol       text NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  connected      boolean NOT NULL DEFAULT false,
  PRIMARY KEY (site_id, gateway)
);
