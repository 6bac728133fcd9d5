-- Computed meters: heat or cooling energy per EN 1434 from another meter's volume and temperatures (binding.source).
ALTER TABLE meter DROP CONSTRAINT meter_protocol_check;
ALTER TABLE meter ADD CONSTRAINT meter_protocol_check
  CHECK (protocol IN ('modbus', 'opcua', 'mqtt', 'http', 'manual', 'virtual', 'computed'));
