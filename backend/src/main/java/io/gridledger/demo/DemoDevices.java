package io.gridledger.demo;

import io.gridledger.auth.ApiKeyStore;
import io.gridledger.auth.Role;
import io.gridledger.simulator.DeviceSimulator;
import io.gridledger.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * The demo's field: the device simulator serving the demo site's meters over Modbus TCP, OPC UA and MQTT on
 * loopback, exactly as bound in the site model. Its gateways log in to the backend's MQTT endpoint with an API key
 * made for them at each start (the previous one is revoked), so no fixed secret exists.
 */
public final class DemoDevices {

  private static final Logger LOG = LoggerFactory.getLogger(DemoDevices.class);
  private static final String KEY_NAME = "Demo gateways";

  private DemoDevices() {
  }

  /**
   * The last stored value of every cumulative register: the simulated meters continue from there after a restart,
   * as real meters would, instead of appearing to run backwards.
   */
  private static Future<java.util.Map<String, java.util.Map<String, Double>>> lastValues(Pool pool, UUID siteId) {
    // One backward index probe per series: the newest row of (series, ts), however long the demo has run.
    return pool.preparedQuery("SELECT m.serial, s.register, l.value FROM meter m "
        + "JOIN reading_series s ON s.meter_id = m.id "
        + "AND s.register IN ('energy_active_import', 'energy_heat', 'energy_cooling', 'volume') "
        + "CROSS JOIN LATERAL (SELECT v.value FROM reading_value v WHERE v.series_id = s.id ORDER BY v.ts DESC LIMIT 1) l "
        + "WHERE m.site_id = $1")
      .execute(Tuple.of(siteId))
      .map(rows -> {
        java.util.Map<String, java.util.Map<String, Double>> values = new java.util.HashMap<>();
        rows.forEach(row -> values.computeIfAbsent(row.getString("serial"), k -> new java.util.HashMap<>())
          .put(row.getString("register"), row.getDouble("value")));
        return values;
      });
  }

  public static Future<DeviceSimulator> start(Vertx vertx, Pool pool, int mqttPort) {
    ApiKeyStore keys = new ApiKeyStore(pool);
    return pool.query("SELECT site_id FROM demo_seed WHERE id = 1").execute().compose(rows -> {
      UUID siteId = rows.iterator().next().getUUID("site_id");
      return pool.preparedQuery("UPDATE api_key SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(KEY_NAME))
        .compose(v -> keys.create(KEY_NAME, Role.INTEGRATION, new UUID[] {siteId}))
        .compose(key -> lastValues(pool, siteId).compose(resume -> DeviceSimulator.start(vertx,
          DemoSiteDocument.build(), new SimulatorOptions()
          .mqttHost("127.0.0.1").mqttPort(mqttPort).mqttPublishIntervalSeconds(15)
          .mqttCredentials("demo-gateway", key.getString("key"))
          .resumeAt(resume))));
    }).onSuccess(sim -> LOG.info("demo devices started modbus=5020,5021 opcua=4840 mqtt={}", mqttPort));
  }
}
