package io.gridledger.allocation;

import io.gridledger.auth.Role;
import io.gridledger.tariff.TariffDocument;
import io.gridledger.tariff.TariffStore;
import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Allocation rules, allocated usage and the consumption report through the API, with a TOU breakdown worked by hand.
 *
 * <p>Site in UTC, floor F1: U1 100 m2 (tenant T1), U2 300 m2 (T2), UC common. Floor meter E (electricity) split by
 * area 1:3 from 1 Jan. Monday 5 Jan 2026: 4 kWh at 08:00 and 8 kWh at 20:00 -> T1 1 + 2 kWh, T2 3 + 6 kWh.
 * T1's tariff: peak 07:00-19:00 on weekdays, offpeak otherwise -> T1 peak 1000 Wh, offpeak 2000 Wh; T2 has no
 * tariff -> its 9000 Wh are "untimed".
 */
class AllocationApiTest {

  private static final String TOU = """
    {"utility": "electricity", "unit": "kWh", "currency": "EUR",
     "schedules": [{"id": "tou", "periods": ["peak", "offpeak"], "defaultPeriod": "offpeak",
       "windows": [{"period": "peak", "dayTypes": ["weekday"], "from": "07:00", "to": "19:00"}]}],
     "components": [{"id": "energy", "kind": "energy", "rates": {"peak": "0.30", "offpeak": "0.20"}}]}""";

  private static TestBackend backend;
  private static ContractHttp http;
  private static AllocationFixture f;
  private static String admin;
  private static String tenant1;
  private static UUID t1;
  private static UUID t2;
  private static UUID meter;
  private static UUID u1;

  @BeforeAll
  static void start() {
    backend = TestBackend.start();
    http = ContractHttp.of(backend);
    admin = backend.login(TestBackend.ADMIN);
    f = new AllocationFixture(backend.pool(), "Report Park", "UTC");
    u1 = f.unit(f.floor1, "U1", "100", 4, "office");
    UUID u2 = f.unit(f.floor1, "U2", "300", 4, "office");
    f.unit(f.floor1, "UC", "40", null, "common");
    t1 = f.tenant("T1 GmbH");
    t2 = f.tenant("T2, \"Quoted\" Ltd");
    f.occupy(t1, u1, "2026-01-01", null);
    f.occupy(t2, u2, "2026-01-01", null);
    meter = f.meter("E-F1", "electricity", "floor", null, null, "energy_active_import", "kWh");
    f.interval(meter, "energy_active_import", "2026-01-05T08:00:00Z", 4.0, false);
    f.interval(meter, "energy_active_import", "2026-01-05T20:00:00Z", 8.0, false);
    UUID tariff = backend.pool().withTransaction(c -> TariffStore.create(c, f.siteId, "TOU", LocalDate.of(2026, 1, 1),
      TariffDocument.parse(new JsonObject(TOU)))).await();
    backend.pool().withTransaction(c -> TariffStore.assign(c, f.siteId, t1, "electricity", tariff,
      LocalDate.of(2026, 1, 1))).await();
    backend.createUser("alloc-t1", Role.TENANT, new UUID[] {f.siteId}, t1);
    tenant1 = backend.login("alloc-t1");
    Response rule = http.call("createAllocationRule", "POST", "/sites/" + f.siteId + "/allocation-rules", admin,
      new JsonObject().put("meterId", meter.toString()).put("kind", "area").put("effectiveFrom", "2026-01-01"));
    assertEquals(201, rule.status(), rule.text());
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  private static String period() {
    return "from=2026-01-05&to=2026-01-06";
  }

  @Test
  void siteUsageWithSourcesAndTenantSeesOnlyItsOwn() {
    Response all = http.call("getSiteAllocatedUsage", "GET", "/sites/" + f.siteId + "/allocated-usage?" + period(),
      admin, null);
    assertEquals(200, all.status(), all.text());
    JsonArray items = all.json().getJsonArray("items");
    assertEquals(2, items.size());
    JsonObject first = items.stream().map(JsonObject.class::cast)
      .filter(i -> i.getString("tenantId").equals(t1.toString())).findFirst().orElseThrow();
    assertEquals(3000, first.getLong("totalMilli"));
    assertEquals("3.000", first.getString("quantity"));
    assertEquals("area", first.getJsonArray("sources").getJsonObject(0).getString("ruleKind"));
    assertEquals(12000, first.getJsonArray("sources").getJsonObject(0).getLong("meteredMilli"));

    Response own = http.call("getSiteAllocatedUsage", "GET", "/sites/" + f.siteId + "/allocated-usage?" + period(),
      tenant1, null);
    assertEquals(1, own.json().getJsonArray("items").size());
    assertEquals(t1.toString(), own.json().getJsonArray("items").getJsonObject(0).getString("tenantId"));
    Response other = http.call("getTenantAllocatedUsage", "GET", "/tenants/" + t2 + "/allocated-usage?" + period(),
      tenant1, null);
    assertEquals(404, other.status(), other.text());
    Response mine = http.call("getTenantAllocatedUsage", "GET", "/tenants/" + t1 + "/allocated-usage?" + period(),
      tenant1, null);
    assertEquals(3000, mine.json().getJsonArray("items").getJsonObject(0).getLong("totalMilli"));
  }

  @Test
  void rulesAreVersionedNeverEdited() {
    Response refused = http.call("createAllocationRule", "POST", "/sites/" + f.siteId + "/allocation-rules", tenant1,
      new JsonObject().put("meterId", meter.toString()).put("kind", "headcount").put("effectiveFrom", "2027-01-01"));
    assertEquals(403, refused.status(), refused.text());
    Response list = http.call("listAllocationRules", "GET", "/sites/" + f.siteId + "/allocation-rules", tenant1, null);
    assertEquals(200, list.status(), list.text());
    assertEquals("E-F1", list.json().getJsonArray("items").getJsonObject(0).getString("meterSerial"));
  }

  @Test
  void reportByTenantWithTouBreakdown() {
    Response r = http.call("getConsumptionReport", "GET", "/reports/consumption?site=" + f.siteId + "&" + period()
      + "&groupBy=tenant", admin, null);
    assertEquals(200, r.status(), r.text());
    JsonArray rows = r.json().getJsonArray("rows");
    assertEquals(2, rows.size(), rows::encode);   // no vacant unit: no landlord row
    JsonObject row1 = rows.getJsonObject(0);
    assertEquals("T1 GmbH", row1.getString("label"));
    assertEquals(3000, row1.getLong("totalMilli"));
    assertEquals(new JsonObject().put("offpeak", 2000L).put("peak", 1000L), row1.getJsonObject("tou"));
    JsonObject row2 = rows.getJsonObject(1);
    assertEquals(9000, row2.getLong("totalMilli"));
    assertEquals(new JsonObject().put("untimed", 9000L), row2.getJsonObject("tou"));
  }

  @Test
  void reportByFloorSumsTheTenantsPeriods() {
    Response r = http.call("getConsumptionReport", "GET", "/reports/consumption?site=" + f.siteId + "&" + period()
      + "&groupBy=floor&utility=electricity", admin, null);
    JsonArray rows = r.json().getJsonArray("rows");
    assertEquals(1, rows.size(), rows::encode);
    assertEquals("B1 / F1", rows.getJsonObject(0).getString("label"));
    assertEquals(12000, rows.getJsonObject(0).getLong("totalMilli"));
    assertEquals(new JsonObject().put("offpeak", 2000L).put("peak", 1000L).put("untimed", 9000L),
      rows.getJsonObject(0).getJsonObject("tou"));
    Response none = http.call("getConsumptionReport", "GET", "/reports/consumption?site=" + f.siteId + "&" + period()
      + "&groupBy=unit&utility=water", admin, null);
    assertEquals(0, none.json().getJsonArray("rows").size());
  }

  @Test
  void reportAsCsvForTheTenantHasOnlyItsRow() {
    // operation id null: the contract check helper reads every body as JSON; the CSV is compared byte for byte below
    Response csv = http.call(null, "GET", "/reports/consumption?site=" + f.siteId + "&" + period(),
      tenant1, null, "application/json", Map.of("Accept", "text/csv"));
    assertEquals(200, csv.status(), csv.text());
    assertTrue(csv.contentType().startsWith("text/csv"), csv.contentType());
    assertEquals("group,group_id,label,utility,unit,quantity,estimated,tou_offpeak,tou_peak\r\n"
      + "tenant," + t1 + ",T1 GmbH,electricity,kWh,3.000,false,2.000,1.000\r\n", csv.text());
    Response all = http.call(null, "GET", "/reports/consumption?site=" + f.siteId + "&" + period()
      + "&format=csv&groupBy=tenant", admin, null, "application/json", Map.of());
    assertEquals("group,group_id,label,utility,unit,quantity,estimated,tou_offpeak,tou_peak,tou_untimed\r\n"
      + "tenant," + t1 + ",T1 GmbH,electricity,kWh,3.000,false,2.000,1.000,\r\n"
      + "tenant," + t2 + ",\"T2, \"\"Quoted\"\" Ltd\",electricity,kWh,9.000,false,,,9.000\r\n", all.text());
  }
}
