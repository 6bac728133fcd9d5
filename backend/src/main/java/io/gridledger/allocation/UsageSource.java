package io.gridledger.allocation;

import java.util.UUID;

/**
 * Where part of a tenant's usage came from: one meter register through one allocation rule.
 *
 * @param meterId       the meter
 * @param meterSerial   its serial, as printed on the device and the invoice
 * @param register      the register (energy_active_import, volume, ...)
 * @param ruleId        the allocation rule version that produced the share; null for a direct unit meter
 * @param ruleKind      direct, fixed, area, headcount, submetered, hvac_runtime, btu, common_remainder
 * @param shareMilli    the tenant's share in thousandths of the unit over the period
 * @param meteredMilli  the meter's own total over the tenant's service days, for context
 * @param openingRead   the register value at the start of the tenant's service in the period (null when unknown)
 * @param closingRead   the register value at its end (null when unknown)
 * @param estimated     true when any of this meter's intervals in the period was estimated
 */
public record UsageSource(
  UUID meterId,
  String meterSerial,
  String register,
  UUID ruleId,
  String ruleKind,
  long shareMilli,
  long meteredMilli,
  Double openingRead,
  Double closingRead,
  boolean estimated) {
}
