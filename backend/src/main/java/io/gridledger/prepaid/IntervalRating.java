package io.gridledger.prepaid;

import io.gridledger.tariff.TariffStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prices the new meter-intervals of a scan: per meter, register and site-local month, the tenant's tariff assignment
 * and the version in force on the interval's day, the site's holidays and the month's stored intervals (read once
 * per group), then {@link EnergyPricer#marginal} for each interval. Intervals of tenants without an assigned tariff,
 * or whose register is not in the tariff's unit, are left out (logged) and not charged.
 */
final class IntervalRating {

  private static final Logger LOG = LoggerFactory.getLogger(IntervalRating.class);
  private static final int INTERVAL_SECONDS = 900;

  private final Pool pool;
  private final TariffStore tariffs;

  IntervalRating(Pool pool) {
    this.pool = pool;
    this.tariffs = new TariffStore(pool);
  }

  /** The rows with their amounts set; unpriceable new rows are dropped, already priced rows pass through. */
  Future<List<ChargeRow>> price(List<ChargeRow> rows) {
    Map<String, List<ChargeRow>> groups = new LinkedHashMap<>();
    List<ChargeRow> out = new ArrayList<>();
    for (ChargeRow r : rows) {
      if (r.priced) {
        out.add(r);
      } else {
        YearMonth month = YearMonth.from(r.intervalStart.atZoneSameInstant(ZoneId.of(r.zone)));
        groups.computeIfAbsent(r.meterId + "|" + r.register + "|" + month, k -> new ArrayList<>()).add(r);
      }
    }
    Future<Void> chain = Future.succeededFuture();
    for (List<ChargeRow> group : groups.values()) {
      chain = chain.compose(v -> priceGroup(group).map(priced -> {
        out.addAll(priced);
        return null;
      }));
    }
    return chain.map(out);
  }

  private Future<List<ChargeRow>> priceGroup(List<ChargeRow> group) {
    ChargeRow first = group.get(0);
    ZoneId zone = ZoneId.of(first.zone);
    YearMonth month = YearMonth.from(first.intervalStart.atZoneSameInstant(zone));
    LocalDate from = month.atDay(1);
    LocalDate to = month.plusMonths(1).atDay(1);
    return tariffs.assignmentsFor(first.siteId, from, to).compose(assignments -> {
      List<ChargeRow> priced = new ArrayList<>();
      Future<Void> chain = tariffs.holidays(first.siteId, from, to).compose(holidays ->
        monthIntervals(first, zone, from, to).compose(usage -> {
          Future<Void> each = Future.succeededFuture();
          for (ChargeRow r : group) {
            LocalDate day = r.intervalStart.atZoneSameInstant(zone).toLocalDate();
            TariffStore.TariffAssignment assignment = null;
            for (TariffStore.TariffAssignment a : assignments) {
              if (a.tenantId().equals(r.tenantId) && a.utility().equals(r.utility) && !a.effectiveFrom().isAfter(day)) {
                assignment = a;
              }
            }
            if (assignment == null) {
              LOG.warn("prepaid interval not charged: tenant {} has no {} tariff on {}", r.tenantId, r.utility, day);
              continue;
            }
            each = each.compose(v -> tariffs.versionsFor(assignmentId(r, assignments, day), day, day.plusDays(1))
              .map(versions -> {
                if (versions.isEmpty() || !versions.get(0).document().unit().equals(r.registerUnit)) {
                  LOG.warn("prepaid interval not charged: no tariff version in {} for meter {} on {}", r.registerUnit,
                    r.meterId, day);
                  return null;
                }
                int n = usage.indexOf(r.intervalStart.toEpochSecond()) + 1;
                EnergyPricer.Price p = new EnergyPricer(versions.get(0).document())
                  .marginal(zone, month, holidays, usage.starts, usage.milli, n, r.currency);
                r.amountEnergyMinor = p.energyMinor();
                r.amountTaxMinor = p.taxMinor();
                r.priced = true;
                priced.add(r);
                return null;
              }));
          }
          return each;
        }));
      return chain.map(priced);
    });
  }

  private static java.util.UUID assignmentId(ChargeRow r, List<TariffStore.TariffAssignment> all, LocalDate day) {
    java.util.UUID id = null;
    for (TariffStore.TariffAssignment a : all) {
      if (a.tenantId().equals(r.tenantId) && a.utility().equals(r.utility) && !a.effectiveFrom().isAfter(day)) {
        id = a.tariffId();
      }
    }
    return id;
  }

  /** The month's stored intervals of the group's meter and register, in order, in milli-units. */
  private Future<MonthUsage> monthIntervals(ChargeRow r, ZoneId zone, LocalDate from, LocalDate to) {
    return pool.preparedQuery("SELECT extract(epoch FROM interval_start)::bigint AS s, consumption FROM "
        + "interval_consumption WHERE meter_id = $1 AND register = $2 AND interval_start >= $3 AND interval_start < $4 "
        + "ORDER BY interval_start")
      .execute(Tuple.of(r.meterId, r.register, from.atStartOfDay(zone).toOffsetDateTime(),
        to.atStartOfDay(zone).toOffsetDateTime()))
      .map(rows -> {
        MonthUsage u = new MonthUsage(rows.size());
        int i = 0;
        for (Row row : rows) {
          u.starts[i] = row.getLong("s");
          u.milli[i] = Math.round(row.getDouble("consumption") * 1000);
          i++;
        }
        return u;
      });
  }

  /** A month of 15-minute intervals of one meter register. */
  static final class MonthUsage {
    final long[] starts;
    final long[] milli;

    MonthUsage(int n) {
      starts = new long[n];
      milli = new long[n];
    }

    int indexOf(long startEpochSecond) {
      int i = java.util.Arrays.binarySearch(starts, startEpochSecond);
      if (i < 0) {
        throw new IllegalStateException("interval " + startEpochSecond + " is not stored");
      }
      return i;
    }
  }
}
