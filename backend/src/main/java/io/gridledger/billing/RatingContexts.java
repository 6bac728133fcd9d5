package io.gridledger.billing;

import io.gridledger.tariff.TariffStore;
import io.gridledger.tariff.TariffStore.TariffAssignment;
import io.gridledger.tariff.TariffStore.TariffVersionRef;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Loads what a run shares from the tariff capability (through {@link TariffStore}): assignments, versions, holidays. */
final class RatingContexts {

  private RatingContexts() {
  }

  static Future<TenantRater.Context> load(TariffStore tariffs, BillingStore.SiteFacts site, BillingPeriod period) {
    return tariffs.assignmentsFor(site.id(), period.from(), period.to()).compose(assignments -> {
      Map<UUID, Map<String, List<TariffAssignment>>> byTenant = new HashMap<>();
      Set<UUID> tariffIds = new LinkedHashSet<>();
      for (TariffAssignment a : assignments) {
        byTenant.computeIfAbsent(a.tenantId(), k -> new HashMap<>())
          .computeIfAbsent(a.utility(), k -> new ArrayList<>()).add(a);
        tariffIds.add(a.tariffId());
      }
      Map<UUID, List<TariffVersionRef>> versions = new HashMap<>();
      List<Future<?>> loads = new ArrayList<>();
      for (UUID id : tariffIds) {
        loads.add(tariffs.versionsFor(id, period.from(), period.to()).onSuccess(v -> {
          synchronized (versions) {
            versions.put(id, v);
          }
        }));
      }
      return Future.all(loads).compose(v -> tariffs.holidays(site.id(), period.from(), period.to()))
        .map(holidays -> new TenantRater.Context(site.zone(), site.currency(), period, holidays, byTenant, versions));
    });
  }
}
