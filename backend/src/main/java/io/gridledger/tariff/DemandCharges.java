package io.gridledger.tariff;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Demand lines: the measured peak (kW = window energy / window hours) of the whole period or of each priced
 * time-of-use period, raised to the ratchet (a percentage of the highest peak of the same period in the lookback
 * months) when that is higher, then priced flat or by demand tiers.
 */
final class DemandCharges {

  private final Charges charges;
  private final UsageProfile profile;
  private final RatingInput input;

  DemandCharges(Charges charges, UsageProfile profile, RatingInput input) {
    this.charges = charges;
    this.profile = profile;
    this.input = input;
  }

  List<Bill.Pending> lines(Component.Demand d, YearMonth month, Map<String, PeakDemand> peaks) {
    List<Bill.Pending> out = new ArrayList<>();
    if (d.price() != null) {
      BigDecimal measured = kw(profile.flat.flatPeakMilli);
      peaks.putIfAbsent("", new PeakDemand(month, null, measured));
      priced(d, null, d.price(), measured, month, out);
      return out;
    }
    int s = profile.scheduleIndex(d.schedule());
    TouSchedule schedule = profile.schedules.get(s);
    peaks.putIfAbsent("", new PeakDemand(month, null, kw(profile.flat.flatPeakMilli)));
    for (Map.Entry<String, Price> rate : d.periodPrices().entrySet()) {
      String period = rate.getKey();
      BigDecimal measured = kw(profile.byPeriod[s].periodPeakMilli[schedule.periodIndex(period)]);
      peaks.putIfAbsent(period, new PeakDemand(month, period, measured));
      priced(d, period, rate.getValue(), measured, month, out);
    }
    return out;
  }

  private void priced(Component.Demand d, String period, Price price, BigDecimal measured, YearMonth month,
                      List<Bill.Pending> out) {
    BigDecimal billed = measured;
    String note = "";
    if (d.ratchet() != null) {
      PeakDemand highest = highestInLookback(d.ratchet(), period, month);
      if (highest != null) {
        BigDecimal floor = highest.kw().multiply(d.ratchet().percent()).movePointLeft(2);
        if (floor.compareTo(measured) > 0) {
          billed = floor;
          note = " (ratchet: " + d.ratchet().percent().toPlainString() + "% of " + highest.kw().toPlainString()
            + " kW in " + highest.month() + "; measured " + measured.toPlainString() + " kW)";
        }
      }
    }
    if (d.prorate()) {
      note += charges.servedNote();
    }
    String base = d.description() + (period == null ? "" : " " + period);
    BigDecimal lower = BigDecimal.ZERO;
    int before = out.size();
    for (int i = 0; i < price.tiers(); i++) {
      BigDecimal upper = price.upTo()[i];
      BigDecimal inTier = (upper == null ? billed : billed.min(upper)).subtract(lower).max(BigDecimal.ZERO);
      if (inTier.signum() != 0 || (i == price.tiers() - 1 && out.size() == before)) {
        int tier = inTier.signum() == 0 ? 0 : i;
        BigDecimal exact = inTier.multiply(price.rates()[tier]);
        out.add(new Bill.Pending(ChargeKind.DEMAND, base + (price.tiered() ? " tier " + (tier + 1) : "") + note,
          period, price.tiered() ? tier + 1 : null, inTier, "kW", price.rates()[tier],
          d.prorate() ? charges.prorate(exact) : exact));
      }
      if (upper != null) {
        lower = upper;
      }
    }
  }

  /** The highest peak of {@code period} in the {@code months} months before {@code month}, among those counted. */
  private PeakDemand highestInLookback(Component.Ratchet ratchet, String period, YearMonth month) {
    YearMonth earliest = month.minusMonths(ratchet.months());
    PeakDemand highest = null;
    for (PeakDemand p : input.demandHistory()) {
      boolean samePeriod = period == null ? p.touPeriod() == null : period.equals(p.touPeriod());
      if (samePeriod && !p.month().isBefore(earliest) && p.month().isBefore(month)
        && (ratchet.onlyMonths() == null || ratchet.onlyMonths().contains(p.month().getMonthValue()))
        && (highest == null || p.kw().compareTo(highest.kw()) > 0)) {
        highest = p;
      }
    }
    return highest;
  }

  /** kW of a window's energy: milli-kWh (Wh) * 3600 / (window seconds * 1000), to 0.001 kW; 0 with no window. */
  private BigDecimal kw(long windowMilli) {
    if (windowMilli <= 0) {
      return BigDecimal.ZERO.setScale(3);
    }
    return BigDecimal.valueOf(windowMilli).multiply(BigDecimal.valueOf(3600))
      .divide(BigDecimal.valueOf(profile.windowSeconds * 1000L), 3, RoundingMode.HALF_UP);
  }
}
