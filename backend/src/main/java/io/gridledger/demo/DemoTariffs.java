package io.gridledger.demo;

import io.gridledger.tariff.TariffDocument;
import io.gridledger.tariff.TariffStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The demo site's tariffs (German commercial prices, EUR, from 2026-01-01): electricity TOU with a demand charge,
 * electricity tax and 19% VAT; tiered water with 7% VAT; flat gas, heat and cooling. Each tenant is assigned the
 * tariff of every utility it has a meter for. Seeded once (demo_seed.tariffs_seeded_at), also into a demo database
 * seeded before tariffs existed.
 */
final class DemoTariffs {

  static final LocalDate FROM = LocalDate.of(2026, 1, 1);

  /** The site's 2026 public holidays (Hamburg). */
  private static final Map<LocalDate, String> HOLIDAYS = new LinkedHashMap<>();

  static {
    HOLIDAYS.put(LocalDate.of(2026, 1, 1), "Neujahr");
    HOLIDAYS.put(LocalDate.of(2026, 4, 3), "Karfreitag");
    HOLIDAYS.put(LocalDate.of(2026, 4, 6), "Ostermontag");
    HOLIDAYS.put(LocalDate.of(2026, 5, 1), "Tag der Arbeit");
    HOLIDAYS.put(LocalDate.of(2026, 5, 14), "Christi Himmelfahrt");
    HOLIDAYS.put(LocalDate.of(2026, 5, 25), "Pfingstmontag");
    HOLIDAYS.put(LocalDate.of(2026, 10, 3), "Tag der Deutschen Einheit");
    HOLIDAYS.put(LocalDate.of(2026, 10, 31), "Reformationstag");
    HOLIDAYS.put(LocalDate.of(2026, 12, 25), "1. Weihnachtstag");
    HOLIDAYS.put(LocalDate.of(2026, 12, 26), "2. Weihnachtstag");
  }

  static final String ELECTRICITY = """
    {"utility": "electricity", "unit": "kWh", "currency": "EUR",
     "description": "Commercial time-of-use with demand charge, electricity tax and VAT",
     "rounding": {"mode": "HALF_UP", "scope": "line"},
     "schedules": [{"id": "tou", "periods": ["peak", "offpeak"], "defaultPeriod": "offpeak",
       "windows": [{"period": "peak", "dayTypes": ["weekday"], "from": "08:00", "to": "20:00"}]}],
     "components": [
       {"id": "standing", "kind": "fixed", "description": "Standing charge", "amount": "14.90", "per": "month"},
       {"id": "energy", "kind": "energy", "description": "Energy", "rates": {"peak": "0.2890", "offpeak": "0.2140"}},
       {"id": "demand", "kind": "demand", "description": "Maximum demand (15 min)", "rate": "9.80",
        "ratchet": {"percent": "50", "months": 11}},
       {"id": "electricity-tax", "kind": "tax", "description": "Electricity tax", "perUnit": "0.0205",
        "appliesTo": ["energy"]},
       {"id": "vat", "kind": "tax", "description": "VAT 19%", "percent": "19",
        "appliesTo": ["standing", "energy", "demand", "electricity-tax"]}]}""";

  static final String WATER = """
    {"utility": "water", "unit": "m3", "currency": "EUR", "description": "Drinking water and wastewater, tiered",
     "components": [
       {"id": "base", "kind": "fixed", "description": "Meter and base charge", "amount": "6.50", "per": "month"},
       {"id": "water", "kind": "energy", "description": "Water",
        "tiers": [{"upTo": "10", "rate": "2.05"}, {"upTo": "30", "rate": "2.45"}, {"rate": "2.95"}]},
       {"id": "wastewater", "kind": "energy", "description": "Wastewater", "rate": "2.38"},
       {"id": "vat", "kind": "tax", "description": "VAT 7% on water", "percent": "7", "appliesTo": ["base", "water"]}]}""";

  static final String GAS = flat("gas", "m3", "Natural gas", "1.1200", "9.00");
  static final String HEAT = flat("heat", "MWh", "District heating", "118.50", "24.00");
  static final String COOLING = flat("cooling", "MWh", "District cooling", "142.00", "18.00");

  private DemoTariffs() {
  }

  private static String flat(String utility, String unit, String description, String rate, String standing) {
    return new JsonObject().put("utility", utility).put("unit", unit).put("currency", "EUR")
      .put("description", description)
      .put("components", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("id", "standing").put("kind", "fixed").put("description", "Capacity charge")
          .put("amount", standing).put("per", "month"))
        .add(new JsonObject().put("id", "energy").put("kind", "energy").put("description", description)
          .put("rate", rate))
        .add(new JsonObject().put("id", "vat").put("kind", "tax").put("description", "VAT 19%").put("percent", "19")))
      .encode();
  }

  /** Seeds the tariffs, holidays and assignments unless done before; true when it seeded. */
  static Future<Boolean> seedOnce(Pool pool, UUID siteId) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT tariffs_seeded_at FROM demo_seed WHERE id = 1 "
        + "FOR UPDATE").execute()
      .compose(rows -> rows.size() == 0 || rows.iterator().next().getValue("tariffs_seeded_at") != null
        ? Future.succeededFuture(false)
        : seed(conn, siteId).compose(v -> conn.query("UPDATE demo_seed SET tariffs_seeded_at = now() WHERE id = 1")
          .execute()).map(v -> true)));
  }

  private static Future<Void> seed(SqlConnection conn, UUID siteId) {
    Map<String, String> documents = new LinkedHashMap<>();
    documents.put("electricity", ELECTRICITY);
    documents.put("water", WATER);
    documents.put("gas", GAS);
    documents.put("heat", HEAT);
    documents.put("cooling", COOLING);
    Map<String, UUID> tariffByUtility = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, String> e : documents.entrySet()) {
      TariffDocument document = TariffDocument.parse(new JsonObject(e.getValue()));
      String name = "Harbourside " + e.getKey() + " 2026";
      chain = chain.compose(v -> TariffStore.create(conn, siteId, name, FROM, document)
        .map(id -> {
          tariffByUtility.put(e.getKey(), id);
          return null;
        }));
    }
    for (Map.Entry<LocalDate, String> h : HOLIDAYS.entrySet()) {
      chain = chain.compose(v -> TariffStore.addHoliday(conn, siteId, h.getKey(), h.getValue()));
    }
    return chain.compose(v -> conn.preparedQuery("SELECT DISTINCT o.tenant_id, m.kind FROM occupancy o "
        + "JOIN meter m ON m.unit_id = o.unit_id WHERE o.site_id = $1 AND m.kind IN "
        + "('electricity', 'water', 'gas', 'heat', 'cooling') ORDER BY o.tenant_id, m.kind").execute(Tuple.of(siteId)))
      .compose(rows -> {
        Future<Void> assign = Future.succeededFuture();
        for (Row row : rows) {
          UUID tenantId = row.getUUID("tenant_id");
          String utility = row.getString("kind");
          assign = assign.compose(v -> TariffStore.assign(conn, siteId, tenantId, utility, tariffByUtility.get(utility),
            FROM));
        }
        return assign;
      });
  }
}
