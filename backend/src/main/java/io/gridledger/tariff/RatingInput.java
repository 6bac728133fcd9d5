package io.gridledger.tariff;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/**
 * Everything one rating needs besides the tariff.
 *
 * @param periodStart  first site-local day of the billing period, inclusive
 * @param periodEnd    exclusive
 * @param serviceStart first day the tenant is billed within the period (move-in), inclusive
 * @param serviceEnd   exclusive (move-out); equals periodEnd for a full period
 * @param holidays     the site's holiday calendar
 * @param usage        intervals inside [serviceStart, serviceEnd); intervals outside it are ignored, so a caller
 *                     rating a period in parts may pass the whole period's usage to every part
 * @param demandHistory earlier months' peaks, for ratchets (any order, may be empty)
 * @param priorUsageThisTierYearMilli for annual tiers: usage in the tier year before periodStart
 * @param householdSize for tiers scaled by household size; 0 when not applicable (counts as 1 person)
 * @param currency     ISO 4217; minor-unit digits from java.util.Currency
 */
public record RatingInput(
  ZoneId zone,
  LocalDate periodStart,
  LocalDate periodEnd,
  LocalDate serviceStart,
  LocalDate serviceEnd,
  Set<LocalDate> holidays,
  IntervalUsage usage,
  List<PeakDemand> demandHistory,
  long priorUsageThisTierYearMilli,
  int householdSize,
  String currency) {

  public RatingInput {
    if (!periodStart.isBefore(periodEnd)) {
      throw new IllegalArgumentException("empty billing period " + periodStart + " .. " + periodEnd);
    }
    if (serviceStart.isBefore(periodStart) || serviceEnd.isAfter(periodEnd) || serviceEnd.isBefore(serviceStart)) {
      throw new IllegalArgumentException("service " + serviceStart + " .. " + serviceEnd + " is not inside the period "
        + periodStart + " .. " + periodEnd);
    }
    holidays = holidays == null ? Set.of() : holidays;
    demandHistory = demandHistory == null ? List.of() : demandHistory;
  }

  /** A full period with no history: the common case in tests and quotes. */
  public static RatingInput fullPeriod(ZoneId zone, LocalDate periodStart, LocalDate periodEnd, Set<LocalDate> holidays,
                                       IntervalUsage usage, String currency) {
    return new RatingInput(zone, periodStart, periodEnd, periodStart, periodEnd, holidays, usage, List.of(), 0, 0,
      currency);
  }
}
