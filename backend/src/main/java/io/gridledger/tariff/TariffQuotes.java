package io.gridledger.tariff;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.gridledger.metering.IntervalReader;
import io.gridledger.site.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/**
 * Rates a tariff against a meter's stored consumption for a period of site-local days: what a tenant's bill for
 * that meter would say under that tariff (no demand history, so no ratchet). A period across a version change is
 * rated in parts, as billing does.
 */
public final class TariffQuotes implements OperationBinder {

  static final int MAX_DAYS = 366;
  static final Map<String, String> DEFAULT_REGISTER = Map.of("electricity", "energy_active_import", "water", "volume",
    "gas", "volume", "heat", "energy_heat", "cooling", "energy_cooling");

  private final Pool pool;
  private final SiteAccess sites;
  private final TariffStore store;
  private final IntervalReader intervals;

  public TariffQuotes(Pool pool, SiteAccess sites) {
    this.pool = pool;
    this.sites = sites;
    this.store = new TariffStore(pool);
    this.intervals = new IntervalReader(pool);
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("quoteTariff").addHandler(this::quote);
  }

  private void quote(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID tariffId = pathId(rc, "tariffId");
    JsonObject body = body(rc);
    UUID meterId = UUID.fromString(body.getString("meterId"));
    LocalDate from = LocalDate.parse(body.getString("from"));
    LocalDate to = LocalDate.parse(body.getString("to"));
    ok(rc, visibleTariff(p, tariffId).compose(tariff -> sites.visibleMeter(p, meterId).compose(meter -> {
      checkRequest(tariff, meter, from, to);
      String register = body.getString("register", DEFAULT_REGISTER.get(tariff.getString("utility")));
      ZoneId zone = ZoneId.of(meter.getString("timeZone"));
      UUID siteId = tariff.getUUID("site_id");
      return sites.visibleSite(p, siteId).compose(site -> store.versionsFor(tariffId, from, to)
        .compose(versions -> store.holidays(siteId, from, to).compose(holidays ->
          intervals.read(meterId, register, from.atStartOfDay(zone).toOffsetDateTime(),
              to.atStartOfDay(zone).toOffsetDateTime())
            .map(read -> rate(versions, holidays, read, zone, from, to, site.getString("currency"), register,
              unitOf(meter, register))))))
        .map(quote -> quote.put("tariffId", tariffId.toString()).put("meterId", meterId.toString()));
    })));
  }

  private static void checkRequest(Row tariff, JsonObject meter, LocalDate from, LocalDate to) {
    if (!to.isAfter(from)) {
      throw Problem.unprocessable("invalid-period", "/to", "to must be after from");
    }
    if (to.toEpochDay() - from.toEpochDay() > MAX_DAYS) {
      throw Problem.unprocessable("invalid-period", "/to", "a quote covers at most " + MAX_DAYS + " days");
    }
    if (!meter.getString("siteId").equals(tariff.getUUID("site_id").toString())) {
      throw Problem.unprocessable("invalid-reference", "/meterId", "the meter is not on the tariff's site");
    }
    if (!meter.getString("kind").equals(tariff.getString("utility"))) {
      throw Problem.unprocessable("invalid-reference", "/meterId", "a " + meter.getString("kind")
        + " meter cannot be rated by a " + tariff.getString("utility") + " tariff");
    }
  }

  private static String unitOf(JsonObject meter, String register) {
    for (Object r : meter.getJsonArray("registers", new JsonArray())) {
      if (register.equals(((JsonObject) r).getString("name"))) {
        return ((JsonObject) r).getString("unit");
      }
    }
    throw Problem.unprocessable("invalid-reference", "/register", "the meter has no register " + register);
  }

  private static JsonObject rate(List<TariffStore.TariffVersionRef> versions, Set<LocalDate> holidays,
                                 IntervalReader.Intervals read, ZoneId zone, LocalDate from, LocalDate to,
                                 String currency, String register, String registerUnit) {
    if (versions.isEmpty()) {
      throw Problem.unprocessable("invalid-period", "/from", "the tariff has no version in force in this period");
    }
    long[] milli = new long[read.consumption().length];
    for (int i = 0; i < milli.length; i++) {
      milli[i] = Math.round(read.consumption()[i] * 1000);
    }
    IntervalUsage usage = new IntervalUsage(900, read.startsEpochSecond(), milli);
    JsonArray parts = new JsonArray();
    long total = 0;
    for (int v = 0; v < versions.size(); v++) {
      TariffStore.TariffVersionRef version = versions.get(v);
      if (!version.document().unit().equals(registerUnit)) {
        throw Problem.unprocessable("invalid-reference", "/register", "the register is in " + registerUnit
          + ", the tariff prices " + version.document().unit());
      }
      LocalDate partStart = version.effectiveFrom().isAfter(from) ? version.effectiveFrom() : from;
      LocalDate partEnd = v + 1 < versions.size() ? versions.get(v + 1).effectiveFrom() : to;
      RatingResult r = TariffEngine.rate(version.document(), new RatingInput(zone, from, to, partStart, partEnd,
        holidays, usage, List.of(), 0, 0, currency));
      total += r.totalMinor();
      parts.add(part(version, partStart, partEnd, r));
    }
    return new JsonObject().put("from", from.toString()).put("to", to.toString()).put("register", register)
      .put("currency", currency).put("intervals", milli.length).put("parts", parts).put("totalMinor", total);
  }

  private static JsonObject part(TariffStore.TariffVersionRef version, LocalDate start, LocalDate end, RatingResult r) {
    JsonArray lines = new JsonArray();
    for (ChargeLine l : r.lines()) {
      lines.add(new JsonObject().put("componentId", l.componentId()).put("kind", l.kind().name())
        .put("description", l.description()).put("touPeriod", l.touPeriod()).put("tier", l.tier())
        .put("quantity", l.quantity().toPlainString()).put("unit", l.unit()).put("rate", l.rate().toPlainString())
        .put("amountMinor", l.amountMinor()));
    }
    JsonArray peaks = new JsonArray();
    for (PeakDemand peak : r.peaks()) {
      peaks.add(new JsonObject().put("touPeriod", peak.touPeriod()).put("kw", peak.kw().toPlainString()));
    }
    return new JsonObject().put("versionNumber", version.versionNumber())
      .put("effectiveFrom", version.effectiveFrom().toString()).put("serviceStart", start.toString())
      .put("serviceEnd", end.toString()).put("lines", lines).put("peaks", peaks)
      .put("subtotalMinor", r.subtotalMinor()).put("taxMinor", r.taxMinor()).put("totalMinor", r.totalMinor());
  }

  private Future<Row> visibleTariff(Principal p, UUID tariffId) {
    Sql sql = TariffSql.visibleTariff(p, tariffId, false);
    return pool.preparedQuery(sql.text()).execute(sql.tuple()).compose(rows -> rows.size() == 0
      ? Future.failedFuture(Problem.notFound("tariff"))
      : Future.succeededFuture(rows.iterator().next()));
  }

}
