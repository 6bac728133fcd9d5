package io.gridledger.billing;

import io.gridledger.allocation.TenantUsage;
import io.gridledger.tariff.ChargeKind;
import io.gridledger.tariff.ChargeLine;
import io.gridledger.tariff.PeakDemand;
import io.gridledger.tariff.RatingInput;
import io.gridledger.tariff.RatingResult;
import io.gridledger.tariff.TariffEngine;
import io.gridledger.tariff.TariffStore.TariffAssignment;
import io.gridledger.tariff.TariffStore.TariffVersionRef;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Rates one tenant's allocated usage for a period: every utility, in parts where the tenant's tariff assignment or
 * the tariff's version changes inside the period. Pure CPU work on immutable inputs, so it runs on worker threads.
 */
public final class TenantRater {

  /** What every tenant of one run shares: the site's zone, currency, holidays, assignments and tariff versions. */
  public record Context(ZoneId zone, String currency, BillingPeriod period, Set<LocalDate> holidays,
                        Map<UUID, Map<String, List<TariffAssignment>>> assignments,
                        Map<UUID, List<TariffVersionRef>> versions) {
  }

  private final Context context;
  /** Local midnights of the period's days and the day after (epoch seconds), for the daily totals. */
  private final long[] dayStarts;

  public TenantRater(Context context) {
    this.context = context;
    int days = (int) context.period().days();
    dayStarts = new long[days + 1];
    for (int d = 0; d <= days; d++) {
      dayStarts[d] = context.period().from().plusDays(d).atStartOfDay(context.zone()).toEpochSecond();
    }
  }

  /** Throws {@link RatingFailure} with a reason a billing operator can act on. */
  public RatedInvoice rate(UUID tenantId, List<TenantUsage> usages, Map<String, List<PeakDemand>> demandHistory) {
    List<RatedInvoice.Line> lines = new ArrayList<>();
    Map<String, Long> net = new TreeMap<>();
    UsageJson usageJson = new UsageJson();
    long subtotal = 0;
    long tax = 0;
    for (TenantUsage usage : usages) {
      Map<String, PeakDemand> peaks = new LinkedHashMap<>();
      for (Segment s : segments(tenantId, usage)) {
        if (!s.version.document().unit().equals(usage.unit())) {
          throw new RatingFailure(usage.utility() + " usage is in " + usage.unit() + " but tariff '" + s.version.name()
            + "' prices " + s.version.document().unit());
        }
        RatingResult r;
        try {
          r = TariffEngine.rate(s.version.document(), new RatingInput(context.zone(), context.period().from(),
            context.period().to(), s.start, s.end, context.holidays(), usage.usage(),
            demandHistory.getOrDefault(usage.utility(), List.of()), 0, 0, context.currency()));
        } catch (IllegalArgumentException e) {
          throw new RatingFailure("tariff '" + s.version.name() + "' cannot rate " + usage.utility() + ": " + e.getMessage());
        }
        for (ChargeLine line : r.lines()) {
          lines.add(new RatedInvoice.Line(usage.utility(), line, s.start, s.end, s.version.tariffId(),
            s.version.versionId(), s.version.versionNumber()));
          if (line.kind() == ChargeKind.TAX) {
            tax += line.amountMinor();
          } else {
            subtotal += line.amountMinor();
            net.merge(usage.utility(), line.amountMinor(), Long::sum);
          }
        }
        for (PeakDemand p : r.peaks()) {
          peaks.merge(p.month() + "|" + p.touPeriod(), p, (a, b) -> a.kw().compareTo(b.kw()) >= 0 ? a : b);
        }
      }
      net.putIfAbsent(usage.utility(), 0L);
      usageJson.add(usage, peaks.values(), daily(usage));
    }
    String usageText = usageJson.encode();
    return new RatedInvoice(tenantId, lines, subtotal, tax, subtotal + tax, net, usageText,
      fingerprint(lines, usageText));
  }

  private record Segment(LocalDate start, LocalDate end, TariffVersionRef version) {
  }

  /** The service days cut where the assignment or the tariff version changes; a day without a tariff fails. */
  private List<Segment> segments(UUID tenantId, TenantUsage usage) {
    List<Segment> out = new ArrayList<>();
    LocalDate start = usage.serviceStart();
    LocalDate end = usage.serviceEnd();
    if (!start.isBefore(end)) {
      return out;
    }
    List<TariffAssignment> assigned = context.assignments().getOrDefault(tenantId, Map.of())
      .getOrDefault(usage.utility(), List.of());
    LocalDate covered = start;
    for (int a = 0; a < assigned.size(); a++) {
      LocalDate aFrom = max(assigned.get(a).effectiveFrom(), start);
      LocalDate aTo = a + 1 < assigned.size() ? min(assigned.get(a + 1).effectiveFrom(), end) : end;
      if (!aFrom.isBefore(aTo)) {
        continue;
      }
      if (aFrom.isAfter(covered)) {
        break;
      }
      List<TariffVersionRef> versions = context.versions().getOrDefault(assigned.get(a).tariffId(), List.of());
      for (int v = 0; v < versions.size(); v++) {
        LocalDate vFrom = max(versions.get(v).effectiveFrom(), aFrom);
        LocalDate vTo = v + 1 < versions.size() ? min(versions.get(v + 1).effectiveFrom(), aTo) : aTo;
        if (vFrom.isBefore(vTo) && !vFrom.isAfter(covered)) {
          out.add(new Segment(vFrom, vTo, versions.get(v)));
          covered = vTo;
        }
      }
    }
    if (covered.isBefore(end)) {
      throw new RatingFailure("no " + usage.utility() + " tariff assigned (or no version in force) from " + covered
        + " to " + end);
    }
    return out;
  }

  /** Site-local daily totals over the period (one pass: intervals are ascending). */
  private long[] daily(TenantUsage usage) {
    long[] out = new long[dayStarts.length - 1];
    long[] starts = usage.usage().intervalStartsEpochSecond();
    long[] qty = usage.usage().quantitiesMilli();
    int day = 0;
    for (int i = 0; i < starts.length; i++) {
      if (starts[i] < dayStarts[0]) {
        continue;
      }
      while (day < out.length && starts[i] >= dayStarts[day + 1]) {
        day++;
      }
      if (day == out.length) {
        break;
      }
      out[day] += qty[i];
    }
    return out;
  }

  private static String fingerprint(List<RatedInvoice.Line> lines, String usageJson) {
    StringBuilder text = new StringBuilder(512);
    for (RatedInvoice.Line l : lines) {
      ChargeLine c = l.charge();
      text.append(l.utility()).append('|').append(c.componentId()).append('|').append(c.kind()).append('|')
        .append(c.touPeriod()).append('|').append(c.tier()).append('|').append(c.quantity().toPlainString()).append('|')
        .append(c.unit()).append('|').append(c.rate().toPlainString()).append('|').append(c.amountMinor()).append('|')
        .append(l.serviceStart()).append('|').append(l.serviceEnd()).append('|').append(l.tariffVersionId()).append('\n');
    }
    text.append(usageJson);
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static LocalDate max(LocalDate a, LocalDate b) {
    return a.isAfter(b) ? a : b;
  }

  private static LocalDate min(LocalDate a, LocalDate b) {
    return a.isBefore(b) ? a : b;
  }
}
