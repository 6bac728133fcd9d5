package io.gridledger.report;

import io.gridledger.tariff.TariffStore;
import io.gridledger.tariff.TouBreakdown;
import io.vertx.core.Future;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * For a tenant, utility and day: the TOU lookup of the tariff version that rates the tenant that day (assignment in
 * force, then the tariff's version in force), or null (no tariff assigned, or one without TOU periods). Everything is
 * fetched once per report: the site's assignments, each assigned tariff's versions and the holiday calendar.
 */
final class TouLookup {

  private record Assignment(UUID tariffId, LocalDate from) {
  }

  private record Version(LocalDate from, TouBreakdown tou) {
  }

  private final Map<String, List<Assignment>> assignments = new HashMap<>();
  private final Map<UUID, List<Version>> versions = new HashMap<>();

  private TouLookup() {
  }

  static Future<TouLookup> load(TariffStore tariffs, UUID siteId, ZoneId zone, LocalDate from, LocalDate to) {
    TouLookup lookup = new TouLookup();
    return tariffs.holidays(siteId, from, to).compose(holidays -> tariffs.assignmentsFor(siteId, from, to)
      .compose(list -> {
        List<Future<?>> loads = new ArrayList<>();
        for (TariffStore.TariffAssignment a : list) {
          lookup.assignments.computeIfAbsent(a.tenantId() + "/" + a.utility(), k -> new ArrayList<>())
            .add(new Assignment(a.tariffId(), a.effectiveFrom()));
          if (!lookup.versions.containsKey(a.tariffId())) {
            lookup.versions.put(a.tariffId(), new ArrayList<>());
            loads.add(tariffs.versionsFor(a.tariffId(), from, to).map(vs -> {
              for (TariffStore.TariffVersionRef v : vs) {
                lookup.versions.get(a.tariffId()).add(new Version(v.effectiveFrom(),
                  TouBreakdown.of(v.document(), zone, from, to, holidays)));
              }
              return null;
            }));
          }
        }
        return Future.all(loads).map(lookup);
      }));
  }

  /** The TOU lookup rating {@code tenantId}'s {@code utility} on {@code day}, or null. */
  TouBreakdown on(UUID tenantId, String utility, LocalDate day) {
    if (tenantId == null) {
      return null;
    }
    List<Assignment> list = assignments.get(tenantId + "/" + utility);
    if (list == null) {
      return null;
    }
    Assignment inForce = null;
    for (Assignment a : list) {
      if (!a.from().isAfter(day)) {
        inForce = a;
      }
    }
    if (inForce == null) {
      return null;
    }
    TouBreakdown found = null;
    for (Version v : versions.getOrDefault(inForce.tariffId(), List.of())) {
      if (!v.from().isAfter(day)) {
        found = v.tou();
      }
    }
    return found;
  }
}
