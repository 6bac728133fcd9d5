package io.gridledger.tariff;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rates usage against a tariff. Pure and stateless: a tariff document is immutable and every call works on its own
 * small arrays, so any number of threads may rate at once. The per-interval work is one pass in long milli-units
 * ({@link UsageProfile}); BigDecimal appears only per charge line.
 */
public final class TariffEngine {

  private TariffEngine() {
  }

  public static RatingResult rate(TariffDocument tariff, RatingInput input) {
    if (!tariff.currency().equals(input.currency())) {
      throw new IllegalArgumentException("a tariff in " + tariff.currency() + " cannot rate a bill in " + input.currency());
    }
    int digits = Math.max(0, java.util.Currency.getInstance(input.currency()).getDefaultFractionDigits());
    Bill bill = new Bill(digits, tariff.roundingMode(), tariff.roundingScope());
    int served = (int) (input.serviceEnd().toEpochDay() - input.serviceStart().toEpochDay());
    if (served == 0) {
      return bill.result(List.of());
    }
    List<Component> active = new ArrayList<>();
    int month = input.periodStart().getMonthValue();
    for (Component c : tariff.components()) {
      if (c.months() == null || c.months().contains(month)) {
        active.add(c);
      }
    }
    LocalDays days = LocalDays.of(input.zone(), input.serviceStart(), input.serviceEnd(), input.holidays(),
      tariff.weekendDays());
    UsageProfile profile = UsageProfile.measure(tariff, active, input.usage(), days);
    Charges charges = new Charges(tariff, input, profile, bill, served);
    Map<String, PeakDemand> peaks = new LinkedHashMap<>();
    for (Component c : active) {
      bill.book(c, charges.linesOf(c, YearMonth.from(input.periodStart()), peaks));
    }
    return bill.result(new ArrayList<>(peaks.values()));
  }

}
