-- Virtual meters: no device; their intervals are derived from other meters' intervals (binding.terms).
ALTER TABLE meter DROP CONSTRAINT meter_protocol_check;
ALTER TABLE meter ADD CONSTRAINT meter_protocol_check
  CHECK (protocol IN ('modbus', 'opcua', 'mqtt', 'http', 'manual', 'virtual'));
