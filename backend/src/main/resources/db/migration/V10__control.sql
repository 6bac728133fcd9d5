-- Relay control (issue 5): every command sent to a meter's supply relay, who or what caused it, how it was
-- confirmed; and each meter's last confirmed relay state.

CREATE TABLE meter_command (
  id                      uuid PRIMARY KEY,
  site_id                 uuid NOT NULL,
  meter_id                uuid NOT NULL,
  action                  text NOT NULL CHECK (action IN ('open', 'close')),
  state                   text NOT NULL CHECK (state IN ('pending', 'sent', 'confirmed', 'failed', 'superseded')),
  -- what caused it (operator, prepaid policy, schedule) and who: a principal subject or the policy's reference
  cause                   text NOT NULL CHECK (cause IN ('operator', 'prepaid', 'schedule')),
  actor                   text NOT NULL,
  reason                  text NOT NULL,
  override_critical_load  boolean NOT NULL DEFAULT false,
  protocol                text NOT NULL,
  attempts                integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts            integer NOT NULL CHECK (max_attempts >= 1),
  last_error              text,
  -- the relay state the device reported when it confirmed the command
  reported_state          text CHECK (reported_state IN ('open', 'closed')),
  requested_at            timestamptz NOT NULL DEFAULT now(),
  sent_at                 timestamptz,
  confirmed_at            timestamptz,
  completed_at            timestamptz,
  updated_at              timestamptz NOT NULL DEFAULT now(),
  CHECK (attempts <= max_attempts),
  CHECK ((state = 'confirmed') = (confirmed_at IS NOT NULL)),
  CHECK (NOT override_critical_load OR cause = 'operator'),
  FOREIGN KEY (meter_id, site_id) REFERENCES meter (id, site_id) ON DELETE CASCADE
);
-- The history of one meter, newest first (cursor pagination on requested_at, id).
CREATE INDEX meter_command_history ON meter_command (meter_id, requested_at DESC, id DESC);
-- Commands still in flight, for the sweep that fails those an instance stopped working on.
CREATE INDEX meter_command_open ON meter_command (updated_at) WHERE state IN ('pending', 'sent');

CREATE TABLE meter_relay_state (
  meter_id      uuid PRIMARY KEY,
  site_id       uuid NOT NULL,
  state         text NOT NULL CHECK (state IN ('open', 'closed')),
  confirmed_at  timestamptz NOT NULL,
  command_id    uuid REFERENCES meter_command (id) ON DELETE SET NULL,
  FOREIGN KEY (meter_id, site_id) REFERENCES meter (id, site_id) ON DELETE CASCADE
);
