package io.gridledger.prepaid;

import io.gridledger.tariff.IntervalUsage;
import io.gridledger.tariff.RatingInput;
import io.gridledger.tariff.RatingResult;
import io.gridledger.tariff.TariffDocument;
import io.gridledger.tariff.TariffEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The marginal price of one interval under a tariff: only energy/volume components and the taxes on them (fixed,
 * demand and minimum charges are left to the monthly bill run). An interval costs what the month-to-date energy bill
 * grows by when it is added: E(month's intervals up to and including it) - E(those before it), both rated by the
 * tariff engine for the site-local calendar month. So its TOU period, the tier the month-to-date usage has reached
 * and the tariff's rounding rule apply exactly as in the bill, and the deductions of a month add up to the energy and
 * energy-tax lines of that month's bill (when intervals arrive in order and are not rebuilt; see docs/prepaid.md).
 */
final class EnergyPricer {

  /** Energy (subtotal) and tax parts of an amount, minor units. */
  record Price(long energyMinor, long taxMinor) {
    long totalMinor() {
      return energyMinor + taxMinor;
    }
  }

  private final TariffDocument energyOnly;

  EnergyPricer(TariffDocument tariff) {
    this.energyOnly = energyOnly(tariff);
  }

  /**
   * @param starts  interval starts (epoch seconds) of the month's intervals up to and including the one priced,
   *                which is at index {@code n - 1}; intervals are 15 minutes
   * @param milli   their quantities in thousandths of the tariff's unit
   */
  Price marginal(ZoneId zone, YearMonth month, Set<LocalDate> holidays, long[] starts, long[] milli, int n,
                 String currency) {
    if (energyOnly == null) {
      return new Price(0, 0);
    }
    RatingResult with = rate(zone, month, holidays, starts, milli, n, currency);
    RatingResult without = rate(zone, month, holidays, starts, milli, n - 1, currency);
    return new Price(with.subtotalMinor() - without.subtotalMinor(), with.taxMinor() - without.taxMinor());
  }

  private RatingResult rate(ZoneId zone, YearMonth month, Set<LocalDate> holidays, long[] starts, long[] milli, int n,
                            String currency) {
    IntervalUsage usage = new IntervalUsage(900, Arrays.copyOf(starts, n), Arrays.copyOf(milli, n));
    return TariffEngine.rate(energyOnly, RatingInput.fullPeriod(zone, month.atDay(1), month.plusMonths(1).atDay(1),
      holidays, usage, currency));
  }

  /**
   * The tariff without fixed, demand and minimum components; taxes keep only their references to what is left and
   * are dropped when nothing is. Null when the tariff has no energy component at all.
   */
  static TariffDocument energyOnly(TariffDocument tariff) {
    JsonObject doc = tariff.toJson().copy();
    JsonArray kept = new JsonArray();
    Set<String> keptIds = new HashSet<>();
    boolean anyEnergy = false;
    for (Object o : doc.getJsonArray("components", new JsonArray())) {
      JsonObject c = ((JsonObject) o).copy();
      String kind = c.getString("kind");
      if ("energy".equals(kind)) {
        anyEnergy = true;
      } else if ("tax".equals(kind)) {
        JsonArray appliesTo = c.getJsonArray("appliesTo");
        if (appliesTo != null) {
          JsonArray left = new JsonArray();
          appliesTo.forEach(id -> {
            if (keptIds.contains((String) id)) {
              left.add(id);
            }
          });
          if (left.isEmpty()) {
            continue;
          }
          c.put("appliesTo", left);
        }
      } else {
        continue;
      }
      kept.add(c);
      keptIds.add(c.getString("id"));
    }
    if (!anyEnergy) {
      return null;
    }
    return TariffDocument.parse(doc.put("components", kept));
  }
}
