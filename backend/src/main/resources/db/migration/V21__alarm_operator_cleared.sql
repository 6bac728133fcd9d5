-- The abnormal-consumption sweep looks up each meter's last alarm an operator cleared, so that the same verdict is
-- not raised again after the operator dismissed it. Cleared alarms accumulate over the years; this finds a meter's
-- latest one without reading the others.
CREATE INDEX alarm_cleared_per_meter_kind ON alarm (meter_id, kind, cleared_at DESC) WHERE state = 'cleared';
