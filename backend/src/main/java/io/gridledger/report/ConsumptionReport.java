package io.gridledger.report;

import io.gridledger.allocation.AllocatedRow;
import io.gridledger.allocation.AllocationService;
import io.gridledger.tariff.TariffStore;
import io.gridledger.tariff.TouBreakdown;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Allocated consumption of a site over site-local days, grouped by tenant, unit, floor, building or utility, each row
 * with its quantity per TOU period. Every interval is classified by the TOU schedule of the tariff version rating the
 * tenant it was allocated to on that day, so a floor's "peak" is the sum of its tenants' peaks; vacant units' shares
 * and tenants without a TOU tariff count as "untimed". Reads only the stored allocation (AllocationService.rows).
 */
public final class ConsumptionReport {

  static final String UNTIMED = "untimed";

  private final Pool pool;
  private final AllocationService allocation;
  private final TariffStore tariffs;

  public ConsumptionReport(Pool pool, AllocationService allocation, TariffStore tariffs) {
    this.pool = pool;
    this.allocation = allocation;
    this.tariffs = tariffs;
  }

  private static final class Group {
    final String groupId;
    final String label;
    final String utility;
    final String unit;
    long total;
    boolean estimated;
    final Map<String, Long> tou = new TreeMap<>();

    Group(String groupId, String label, String utility, String unit) {
      this.groupId = groupId;
      this.label = label;
      this.utility = utility;
      this.unit = unit;
    }
  }

  private record Place(String unitName, UUID floorId, String floorName, UUID buildingId, String buildingName) {
  }

  /** {@code tenantOnly} non-null: only that tenant's rows (a tenant's own report), no vacant shares. */
  public Future<JsonObject> build(UUID siteId, LocalDate from, LocalDate to, String groupBy, String utility,
                                  UUID tenantOnly) {
    Future<String> zone = pool.preparedQuery("SELECT time_zone FROM site WHERE id = $1").execute(Tuple.of(siteId))
      .map(rows -> rows.iterator().next().getString(0));
    Future<Map<UUID, Place>> places = pool.preparedQuery("SELECT u.id, u.name, f.id AS floor_id, f.name AS floor_name, "
        + "b.id AS building_id, b.name AS building_name FROM unit u JOIN floor f ON f.id = u.floor_id "
        + "JOIN building b ON b.id = f.building_id WHERE u.site_id = $1").execute(Tuple.of(siteId))
      .map(rows -> {
        Map<UUID, Place> out = new HashMap<>();
        for (Row r : rows) {
          out.put(r.getUUID("id"), new Place(r.getString("name"), r.getUUID("floor_id"), r.getString("floor_name"),
            r.getUUID("building_id"), r.getString("building_name")));
        }
        return out;
      });
    Future<Map<UUID, String>> tenants = pool.preparedQuery("SELECT id, legal_name FROM tenant WHERE site_id = $1")
      .execute(Tuple.of(siteId)).map(rows -> {
        Map<UUID, String> out = new HashMap<>();
        rows.forEach(r -> out.put(r.getUUID(0), r.getString(1)));
        return out;
      });
    Future<List<AllocatedRow>> rows = allocation.rows(siteId, tenantOnly, from, to, tenantOnly == null);
    return Future.all(zone, places, tenants, rows)
      .compose(all -> TouLookup.load(tariffs, siteId, ZoneId.of(zone.result()), from, to))
      .map(tou -> {
        Map<String, Group> groups = new HashMap<>();
        for (AllocatedRow row : rows.result()) {
          if (utility != null && !utility.equals(row.utility())) {
            continue;
          }
          Group g = group(groups, groupBy, row, places.result(), tenants.result());
          g.total += row.totalMilli();
          g.estimated |= row.estimated();
          classify(g, row, tou.on(row.tenantId(), row.utility(), row.day()));
        }
        List<Group> sorted = new ArrayList<>(groups.values());
        sorted.sort(Comparator.comparing((Group g) -> g.label).thenComparing(g -> g.utility));
        JsonArray out = new JsonArray();
        for (Group g : sorted) {
          JsonObject periods = new JsonObject();
          g.tou.forEach(periods::put);
          out.add(new JsonObject().put("group", groupBy).put("groupId", g.groupId).put("label", g.label)
            .put("utility", g.utility).put("unit", g.unit).put("totalMilli", g.total)
            .put("quantity", BigDecimal.valueOf(g.total, 3).toPlainString()).put("estimated", g.estimated)
            .put("tou", periods));
        }
        return new JsonObject().put("siteId", siteId.toString()).put("from", from.toString()).put("to", to.toString())
          .put("groupBy", groupBy).put("utility", utility).put("rows", out);
      });
  }

  private static void classify(Group g, AllocatedRow row, TouBreakdown tou) {
    if (tou == null) {
      g.tou.merge(UNTIMED, row.totalMilli(), Long::sum);
      return;
    }
    long[] q = row.quantities();
    for (int i = 0; i < q.length; i++) {
      if (q[i] != 0) {
        String period = tou.periodAt(row.dayStartEpochSecond() + i * 900L);
        g.tou.merge(period == null ? UNTIMED : period, q[i], Long::sum);
      }
    }
  }

  private static Group group(Map<String, Group> groups, String groupBy, AllocatedRow row, Map<UUID, Place> places,
                             Map<UUID, String> tenants) {
    Place place = row.unitId() == null ? null : places.get(row.unitId());
    String id;
    String label;
    switch (groupBy) {
      case "unit" -> {
        id = row.unitId() == null ? null : row.unitId().toString();
        label = place == null ? "(no unit)" : place.unitName();
      }
      case "floor" -> {
        id = place == null ? null : place.floorId().toString();
        label = place == null ? "(no unit)" : place.buildingName() + " / " + place.floorName();
      }
      case "building" -> {
        id = place == null ? null : place.buildingId().toString();
        label = place == null ? "(no unit)" : place.buildingName();
      }
      case "utility" -> {
        id = row.utility();
        label = row.utility();
      }
      default -> {
        id = row.tenantId() == null ? null : row.tenantId().toString();
        label = row.tenantId() == null ? "(vacant: landlord)" : tenants.getOrDefault(row.tenantId(), "?");
      }
    }
    return groups.computeIfAbsent(id + "/" + row.utility(), k -> new Group(id, label, row.utility(), row.unit()));
  }
}
