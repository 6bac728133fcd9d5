package io.gridledger.tariff;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The lines of each kind of component, before rounding. Quantities and amounts are exact here. */
final class Charges {

  /** Scale of exact intermediate quotients (proration fractions): far below a minor unit, so rounding once suffices. */
  private static final int EXACT_SCALE = 20;
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  private final TariffDocument tariff;
  private final RatingInput input;
  private final UsageProfile profile;
  private final Bill bill;
  private final int served;
  private final int daysInPeriod;

  Charges(TariffDocument tariff, RatingInput input, UsageProfile profile, Bill bill, int served) {
    this.tariff = tariff;
    this.input = input;
    this.profile = profile;
    this.bill = bill;
    this.served = served;
    this.daysInPeriod = (int) (input.periodEnd().toEpochDay() - input.periodStart().toEpochDay());
  }

  List<Bill.Pending> linesOf(Component c, YearMonth month, Map<String, PeakDemand> peaks) {
    if (c instanceof Component.Fixed f) {
      return fixed(f);
    } else if (c instanceof Component.Energy e) {
      return energy(e);
    } else if (c instanceof Component.Demand d) {
      return new DemandCharges(this, profile, input).lines(d, month, peaks);
    } else if (c instanceof Component.Minimum m) {
      return minimum(m);
    }
    return tax((Component.Tax) c);
  }

  boolean fullPeriod() {
    return served == daysInPeriod;
  }

  int served() {
    return served;
  }

  /** {@code amount} for the days served out of the period's days, exact. */
  BigDecimal prorate(BigDecimal amount) {
    return fullPeriod() ? amount : amount.multiply(BigDecimal.valueOf(served))
      .divide(BigDecimal.valueOf(daysInPeriod), EXACT_SCALE, RoundingMode.HALF_EVEN);
  }

  String servedNote() {
    return fullPeriod() ? "" : " (" + served + " of " + daysInPeriod + " days)";
  }

  private List<Bill.Pending> fixed(Component.Fixed f) {
    BigDecimal quantity;
    BigDecimal exact;
    String unit;
    String note = servedNote();
    switch (f.per()) {
      case DAY -> {
        quantity = BigDecimal.valueOf(served);
        exact = f.amount().multiply(quantity);
        unit = "day";
        note = "";
      }
      case MONTH -> {
        quantity = fraction(served, daysInPeriod);
        exact = prorate(f.amount());
        unit = "month";
      }
      default -> {
        int daysInYear = input.periodStart().lengthOfYear();
        quantity = fraction(served, daysInYear);
        exact = f.amount().multiply(BigDecimal.valueOf(served))
          .divide(BigDecimal.valueOf(daysInYear), EXACT_SCALE, RoundingMode.HALF_EVEN);
        unit = "year";
        note = " (" + served + " of " + daysInYear + " days)";
      }
    }
    return List.of(new Bill.Pending(ChargeKind.FIXED, f.description() + note, null, null, quantity, unit, f.amount(),
      exact));
  }

  /** A displayed share such as 0.516129 (1 when whole); amounts are computed from the exact fraction, not this. */
  static BigDecimal fraction(int part, int whole) {
    return part == whole ? BigDecimal.ONE
      : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 6, RoundingMode.HALF_UP);
  }

  private List<Bill.Pending> energy(Component.Energy e) {
    List<Bill.Pending> out = new ArrayList<>();
    if (e.price() != null) {
      tierLines(e, null, e.price(), profile.totalMilli, out);
      return out;
    }
    int s = profile.scheduleIndex(e.schedule());
    TouSchedule schedule = profile.schedules.get(s);
    for (Map.Entry<String, Price> rate : e.periodPrices().entrySet()) {
      long milli = profile.periodMilli[s][schedule.periodIndex(rate.getKey())];
      tierLines(e, rate.getKey(), rate.getValue(), milli, out);
    }
    return out;
  }

  /** Splits {@code qtyMilli} over the tiers of {@code price}, with limits scaled as the component says. */
  private void tierLines(Component.Energy e, String period, Price price, long qtyMilli, List<Bill.Pending> out) {
    long offset = e.tierBasis() == Component.TierBasis.YEAR ? input.priorUsageThisTierYearMilli() : 0;
    long lower = 0;
    int before = out.size();
    for (int i = 0; i < price.tiers(); i++) {
      long upper = price.upTo()[i] == null || qtyMilli < 0 ? Long.MAX_VALUE : limitMilli(e, price.upTo()[i]);
      long inTier = qtyMilli < 0 ? (i == 0 ? qtyMilli : 0)
        : Math.max(0, Math.min(offset + qtyMilli, upper) - Math.max(offset, lower));
      if (inTier != 0) {
        out.add(energyLine(e, period, price, i, inTier));
      }
      lower = upper;
    }
    if (out.size() == before) {
      out.add(energyLine(e, period, price, 0, 0));
    }
  }

  private Bill.Pending energyLine(Component.Energy e, String period, Price price, int tier, long milli) {
    BigDecimal quantity = BigDecimal.valueOf(milli, 3);
    String description = e.description() + (period == null ? "" : " " + period)
      + (price.tiered() ? " tier " + (tier + 1) : "");
    return new Bill.Pending(ChargeKind.ENERGY, description, period, price.tiered() ? tier + 1 : null, quantity,
      tariff.unit(), price.rates()[tier], quantity.multiply(price.rates()[tier]));
  }

  /** A tier limit in milli-units for this rating: per period (prorated), per day served, or per year. */
  private long limitMilli(Component.Energy e, BigDecimal upTo) {
    BigDecimal limit = upTo.multiply(THOUSAND);
    if (e.perPerson()) {
      limit = limit.multiply(BigDecimal.valueOf(Math.max(1, input.householdSize())));
    }
    limit = switch (e.tierBasis()) {
      case PERIOD -> limit.multiply(BigDecimal.valueOf(served)).divide(BigDecimal.valueOf(daysInPeriod),
        EXACT_SCALE, RoundingMode.HALF_EVEN);
      case DAY -> limit.multiply(BigDecimal.valueOf(served));
      case YEAR -> limit;
    };
    // Limits are kept to 0.001 unit (Wh, litre), the resolution of the usage itself.
    return limit.setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  private List<Bill.Pending> minimum(Component.Minimum m) {
    long base = 0;
    for (Bill.Booked b : bill.booked().values()) {
      boolean chosen = m.appliesTo() == null
        ? !(b.component() instanceof Component.Tax || b.component() instanceof Component.Minimum)
        : m.appliesTo().contains(b.component().id());
      base += chosen ? b.amountMinor() : 0;
    }
    boolean perDay = m.per() == Component.Per.DAY;
    BigDecimal quantity = perDay ? BigDecimal.valueOf(served) : fraction(served, daysInPeriod);
    long minimumMinor = bill.round(perDay ? m.amount().multiply(quantity) : prorate(m.amount()));
    if (base >= minimumMinor) {
      return List.of();
    }
    BigDecimal topUp = BigDecimal.valueOf(minimumMinor - base, bill.digits());
    return List.of(new Bill.Pending(ChargeKind.MINIMUM, m.description() + (perDay ? "" : servedNote())
      + ": charges of " + BigDecimal.valueOf(base, bill.digits()).toPlainString() + " raised to "
      + BigDecimal.valueOf(minimumMinor, bill.digits()).toPlainString(), null, null, quantity,
      perDay ? "day" : "month", m.amount(), topUp));
  }

  private List<Bill.Pending> tax(Component.Tax t) {
    long baseMinor = 0;
    BigDecimal baseQuantity = BigDecimal.ZERO;
    for (Bill.Booked b : bill.booked().values()) {
      Component c = b.component();
      boolean chosen = t.appliesTo() != null ? t.appliesTo().contains(c.id())
        : t.perUnit() != null ? c instanceof Component.Energy
        : !(c instanceof Component.Tax);
      if (chosen) {
        baseMinor += b.amountMinor();
        baseQuantity = baseQuantity.add(b.quantity());
      }
    }
    if (t.perUnit() != null) {
      return List.of(new Bill.Pending(ChargeKind.TAX, t.description(), null, null, baseQuantity, tariff.unit(),
        t.perUnit(), baseQuantity.multiply(t.perUnit())));
    }
    BigDecimal base = BigDecimal.valueOf(baseMinor, bill.digits());
    BigDecimal rate = t.percent().movePointLeft(2);
    return List.of(new Bill.Pending(ChargeKind.TAX, t.description(), null, null, base, input.currency(), rate,
      base.multiply(rate)));
  }
}
