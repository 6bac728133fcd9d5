package io.gridledger.allocation;

import io.gridledger.tariff.IntervalUsage;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * One tenant's allocated usage of one utility over a period.
 *
 * @param tenantId     the tenant
 * @param utility      electricity, water, gas, heat or cooling (the meter kind)
 * @param unit         the billing unit of {@code usage}'s thousandths: kWh, m3, MWh ... as the register declares it
 * @param serviceStart first site-local day inside the period the tenant occupied a unit (move-in), inclusive
 * @param serviceEnd   exclusive (move-out, or the period's end)
 * @param usage        15-minute intervals, ascending, in thousandths of {@code unit}; the tariff engine's input
 * @param estimated    true when any interval behind the usage was estimated (a gap fill)
 * @param sources      one line per meter register and rule that contributed, for the invoice's "where from"
 */
public record TenantUsage(
  UUID tenantId,
  String utility,
  String unit,
  LocalDate serviceStart,
  LocalDate serviceEnd,
  IntervalUsage usage,
  boolean estimated,
  List<UsageSource> sources) {

  public long totalMilli() {
    long sum = 0;
    for (long q : usage.quantitiesMilli()) {
      sum += q;
    }
    return sum;
  }
}
