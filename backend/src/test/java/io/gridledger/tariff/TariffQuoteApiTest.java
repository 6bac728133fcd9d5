package io.gridledger.tariff;

import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.ContractHttp.Response;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("A quote rates a tariff against a meter's stored consumption")
class TariffQuoteApiTest {

  static TestBackend backend;
  static ContractHttp http;
  static TwoSites sites;
  static String admin;

  @BeforeAll
  static void start() {
    backend = TestBackend.start();
    http = ContractHttp.of(backend);
    sites = TwoSites.create(backend);
    admin = backend.login(TestBackend.ADMIN);
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("four intervals on a Monday morning in Berlin: peak energy, demand and VAT to the cent, for the tenant too")
  void quoteFromIngestedReadings() throws InterruptedException {
    JsonObject tariff = new JsonObject("""
      {"utility": "electricity", "unit": "kWh", "currency": "EUR",
       "schedules": [{"id": "tou", "periods": ["peak", "offpeak"], "defaultPeriod": "offpeak",
         "windows": [{"period": "peak", "dayTypes": ["weekday"], "from": "08:00", "to": "20:00"}]}],
       "components": [{"id": "energy", "kind": "energy", "rates": {"peak": "0.30", "offpeak": "0.20"}},
                      {"id": "demand", "kind": "demand", "rate": "10.00"},
                      {"id": "vat", "kind": "tax", "percent": "19"}]}""");
    Response created = http.call("createTariff", "POST", "/sites/" + sites.a.get("site") + "/tariffs", admin,
      new JsonObject().put("name", "Quoted").put("effectiveFrom", "2026-01-01").put("document", tariff));
    assertEquals(201, created.status(), created.text());
    String tariffId = created.json().getString("id");
    // Register readings of A-M1 at 09:00, 09:15, 09:30, 09:45, 10:00 UTC on Monday 2 November 2026 (10:00-11:00
    // in Berlin, CET): intervals of 1, 2, 3 and 4 kWh.
    double[] values = {100, 101, 103, 106, 110};
    String[] times = {"09:00", "09:15", "09:30", "09:45", "10:00"};
    JsonArray readings = new JsonArray();
    for (int i = 0; i < values.length; i++) {
      readings.add(new JsonObject().put("meter", "A-M1").put("register", "energy_active_import")
        .put("ts", "2026-11-02T" + times[i] + ":00Z").put("value", values[i]).put("unit", "kWh"));
    }
    assertEquals(202, http.call("ingestReadings", "POST", "/readings", admin, new JsonObject().put("readings", readings))
      .status());
    JsonObject body = new JsonObject().put("meterId", sites.a.get("meter1").toString()).put("from", "2026-11-01")
      .put("to", "2026-12-01");
    String path = "/tariffs/" + tariffId + "/quote";
    Response quote = null;
    for (int attempt = 0; attempt < 200; attempt++) {
      quote = http.call("quoteTariff", "POST", path, admin, body);
      if (quote.status() == 200 && quote.json().getInteger("intervals") == 4) {
        break;
      }
      Thread.sleep(50);
    }
    assertEquals(200, quote.status(), quote.text());
    assertEquals(4, quote.json().getInteger("intervals"), quote.text());
    // peak: 10 kWh * 0.30 = 3.00; off-peak 0; demand: 4 kWh in 15 min = 16 kW * 10.00 = 160.00;
    // VAT 19% of 163.00 = 30.97. Total 193.97 EUR.
    JsonObject part = quote.json().getJsonArray("parts").getJsonObject(0);
    assertEquals(List.of("peak 10.000 300", "offpeak 0.000 0", "null 16.000 16000", "null 163.00 3097"),
      part.getJsonArray("lines").stream().map(l -> (JsonObject) l)
        .map(l -> l.getString("touPeriod") + " " + l.getString("quantity") + " " + l.getLong("amountMinor")).toList());
    assertEquals(19397, quote.json().getLong("totalMinor"));

    // The tenant of unit 1 may quote once the tariff is assigned to it; before, the tariff is not found.
    String tenant = backend.login("tenant-a1");
    assertEquals(404, http.call("quoteTariff", "POST", path, tenant, body).status());
    assertEquals(200, http.call("putTenantTariffs", "PUT", "/tenants/" + sites.a.get("tenant1") + "/tariffs", admin,
      new JsonObject().put("assignments", new JsonArray().add(new JsonObject().put("utility", "electricity")
        .put("tariffId", tariffId).put("effectiveFrom", "2026-01-01")))).status());
    assertEquals(19397, http.call("quoteTariff", "POST", path, tenant, body).json().getLong("totalMinor"));
    assertEquals(404, http.call("quoteTariff", "POST", path, tenant, body.copy()
      .put("meterId", sites.a.get("meter2").toString())).status(), "another tenant's meter");
  }
}
