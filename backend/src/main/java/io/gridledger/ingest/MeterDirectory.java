package io.gridledger.ingest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Finds the meter a reading belongs to from what a device knows: its serial (and gateway). Kept in memory and
 * reloaded periodically and when an unknown serial shows up, so ingest does not query the site model per reading.
 */
public final class MeterDirectory {

  /** A register as the site model declares it. */
  public record RegisterDef(String name, String unit, Double maxValue) {
  }

  /** What ingest and metering need to know about a meter. */
  public record MeterRef(UUID id, UUID siteId, String serial, String kind, String protocol, String gateway,
                         double multiplier, Map<String, RegisterDef> registers, JsonObject binding) {
  }

  private static final long MIN_RELOAD_INTERVAL_MS = 2_000;
  /**
   * Published (local) after the directory reloaded because the site model changed: verticles that derive their work
   * from it (pollers) re-read it then, instead of each reloading it themselves.
   */
  public static final String RELOADED = "gridledger.ingest.meter-directory-reloaded";

  private final Pool pool;
  private volatile Map<String, List<MeterRef>> bySerial = Map.of();
  private volatile Map<UUID, MeterRef> byId = Map.of();
  /**
   * Per source meter (site and serial), the virtual and the computed meters derived from it: asked once per rebuilt
   * series, thousands of times a second at high ingest rates, where a scan of every meter was a third of metering's CPU.
   */
  private volatile Map<SourceMeter, List<MeterRef>> virtualBySource = Map.of();
  private volatile Map<SourceMeter, List<MeterRef>> computedBySource = Map.of();

  private record SourceMeter(UUID siteId, String serial) {
  }
  private volatile long loadedAtMs;
  private Future<Void> loading;
  private boolean reloadAgain;

  public MeterDirectory(Pool pool) {
    this.pool = pool;
  }

  public synchronized Future<Void> reload() {
    if (loading != null) {
      // A change may have landed after the running load read the table: load once more after it.
      reloadAgain = true;
      return loading;
    }
    loading = pool.query("SELECT m.id, m.site_id, m.serial, m.kind, m.protocol, m.multiplier, m.registers, m.binding "
        + "FROM meter m").execute()
      .map(rows -> {
        Map<String, List<MeterRef>> serials = new HashMap<>();
        Map<UUID, MeterRef> ids = new HashMap<>();
        for (Row row : rows) {
          MeterRef ref = toRef(row);
          serials.computeIfAbsent(ref.serial(), k -> new ArrayList<>(1)).add(ref);
          ids.put(ref.id(), ref);
        }
        Map<SourceMeter, List<MeterRef>> virtual = new HashMap<>();
        Map<SourceMeter, List<MeterRef>> computed = new HashMap<>();
        for (MeterRef m : ids.values()) {
          sourcesOf(m).forEach(source -> ("virtual".equals(m.protocol()) ? virtual : computed)
            .computeIfAbsent(new SourceMeter(m.siteId(), source), k -> new ArrayList<>(1)).add(m));
        }
        bySerial = serials;
        byId = ids;
        virtualBySource = virtual;
        computedBySource = computed;
        loadedAtMs = System.currentTimeMillis();
        return (Void) null;
      })
      .eventually(() -> {
        boolean again;
        synchronized (this) {
          loading = null;
          again = reloadAgain;
          reloadAgain = false;
        }
        return again ? reload() : Future.succeededFuture();
      });
    return loading;
  }

  /** Reloads if an unknown serial was asked for and the last load is not too recent (bounded database load). */
  public synchronized Future<Void> reloadIfStale() {
    if (loading != null) {
      return loading;   // a change notification is being applied: wait for it rather than miss the new meter
    }
    return System.currentTimeMillis() - loadedAtMs < MIN_RELOAD_INTERVAL_MS ? Future.succeededFuture() : reload();
  }

  public boolean knows(String serial) {
    return bySerial.containsKey(serial);
  }

  public MeterRef byId(UUID id) {
    return byId.get(id);
  }

  public List<MeterRef> all() {
    return List.copyOf(byId.values());
  }

  /** The virtual meters of a site that have the meter with this serial among their terms. */
  public List<MeterRef> virtualMetersUsing(UUID siteId, String serial) {
    return virtualBySource.getOrDefault(new SourceMeter(siteId, serial), List.of());
  }

  /** The computed meters of a site whose source is the meter with this serial. */
  public List<MeterRef> computedMetersUsing(UUID siteId, String serial) {
    return computedBySource.getOrDefault(new SourceMeter(siteId, serial), List.of());
  }

  /** The serials a virtual meter's terms or a computed meter's source name (each once); none for a device. */
  private static java.util.Set<String> sourcesOf(MeterRef m) {
    java.util.Set<String> serials = new java.util.LinkedHashSet<>();
    if ("virtual".equals(m.protocol()) && m.binding().getJsonArray("terms") != null) {
      for (Object t : m.binding().getJsonArray("terms")) {
        String serial = ((JsonObject) t).getString("meterSerial");
        if (serial != null) {
          serials.add(serial);
        }
      }
    } else if ("computed".equals(m.protocol()) && m.binding().getJsonObject("source") != null) {
      String serial = m.binding().getJsonObject("source").getString("meterSerial");
      if (serial != null) {
        serials.add(serial);
      }
    }
    return serials;
  }

  /** A meter by serial on one site (serials are unique per site). */
  public MeterRef bySerial(UUID siteId, String serial) {
    for (MeterRef m : bySerial.getOrDefault(serial, List.of())) {
      if (m.siteId().equals(siteId)) {
        return m;
      }
    }
    return null;
  }

  /**
   * The meter with this serial among the allowed sites (null = any). A gateway's own meters win when a serial
   * exists on several sites; otherwise an ambiguous serial resolves to nothing rather than to a guess.
   */
  public MeterRef resolve(String serial, String gateway, Set<UUID> allowedSites) {
    return resolve(serial, gateway, allowedSites, false);
  }

  /** With {@code gatewayOwnsMeter}, only a meter bound to that gateway matches: a gateway writes its own meters only. */
  public MeterRef resolve(String serial, String gateway, Set<UUID> allowedSites, boolean gatewayOwnsMeter) {
    List<MeterRef> all = bySerial.getOrDefault(serial, List.of());
    if (all.size() == 1) {
      // The common case, on the hot path of every reading: one meter with this serial, no stream allocated.
      MeterRef only = all.get(0);
      boolean allowed = (allowedSites == null || allowedSites.contains(only.siteId()))
        && (!gatewayOwnsMeter || (gateway != null && gateway.equals(only.gateway())));
      return allowed ? only : null;
    }
    List<MeterRef> candidates = all.stream()
      .filter(m -> allowedSites == null || allowedSites.contains(m.siteId()))
      .filter(m -> !gatewayOwnsMeter || (gateway != null && gateway.equals(m.gateway())))
      .toList();
    if (candidates.size() > 1 && gateway != null) {
      candidates = candidates.stream().filter(m -> gateway.equals(m.gateway())).toList();
    }
    return candidates.size() == 1 ? candidates.get(0) : null;
  }

  private static MeterRef toRef(Row row) {
    Map<String, RegisterDef> registers = new HashMap<>();
    JsonArray list = (JsonArray) row.getJson("registers");
    for (int i = 0; i < list.size(); i++) {
      JsonObject r = list.getJsonObject(i);
      Number max = r.getNumber("maxValue");
      registers.put(r.getString("name"), new RegisterDef(r.getString("name"), r.getString("unit"),
        max == null ? null : max.doubleValue()));
    }
    JsonObject binding = (JsonObject) row.getJson("binding");
    return new MeterRef(row.getUUID("id"), row.getUUID("site_id"), row.getString("serial"), row.getString("kind"),
      row.getString("protocol"), binding.getString("gateway"), row.getBigDecimal("multiplier").doubleValue(),
      Map.copyOf(registers), binding);
  }
}
