package io.gridledger.tariff;

import java.math.BigDecimal;

/**
 * One line of a rated bill.
 *
 * @param touPeriod  null when not time-of-use
 * @param tier       1-based, null when not tiered
 * @param quantity   e.g. 412.250 kWh, 31 day, 1 month, 37.4 kW; for a percentage tax the base in currency units
 * @param rate       currency units per unit (e.g. 0.2815 EUR/kWh), exact as in the tariff
 * @param amountMinor rounded by the tariff's named rounding rule
 */
public record ChargeLine(
  String componentId, ChargeKind kind, String description,
  String touPeriod,
  Integer tier,
  BigDecimal quantity, String unit,
  BigDecimal rate,
  long amountMinor) {
}
