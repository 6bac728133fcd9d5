package io.gridledger.alarm;

import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.MeteringProbe;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.gridledger.testsupport.MeteringProbe.meter;
import static io.gridledger.testsupport.MeteringProbe.reading;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The alarm sweep against the real backend and PostgreSQL. Each test imports a site of its own and calls
 * {@link AlarmSweeper#sweep(Instant)} with a chosen "now" on an instance deployed without a timer, so nothing waits
 * for the minute. The application's own sweeper also runs (every minute, with the wall clock): tests that depend on
 * the wall clock (device and gateway silence) use times relative to it so both sweepers agree; the daily detectors'
 * tests use days in the past, on which the wall-clock sweep gives no verdict (no data for its yesterday or last night).
 * All numbers are binary fractions, so sums and ratios are exact.
 */
@DisplayName("Alarm sweep: offline devices and gateways, night-time leaks, abnormal days")
class AlarmSweeperTest {

  private static final String BERLIN = "Europe/Berlin";
  private static final String KWH = MeteringProbe.REGISTER;
  private static TestBackend backend;
  private static MeteringProbe probe;
  private static AlarmSweeper sweeper;

  @BeforeAll
  static void start() {
    backend = TestBackend.start();
    probe = new MeteringProbe(backend, ContractHttp.of(backend), backend.login(TestBackend.ADMIN));
    sweeper = new AlarmSweeper(backend.pool(), 0);
    backend.vertx().deployVerticle(sweeper).await();
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  private static void sweep(Instant now) {
    sweeper.sweep(now).await();
  }

  /** Every alarm of the kind on the meter, oldest first, with details parsed. */
  private static List<JsonObject> alarms(UUID meterId, String kind) {
    List<JsonObject> out = new ArrayList<>();
    for (Object o : backend.rows("SELECT id, state, severity, occurrences, cleared_by, details::text AS details FROM alarm "
      + "WHERE meter_id = '" + meterId + "' AND kind = '" + kind + "' ORDER BY raised_at, id")) {
      JsonObject row = (JsonObject) o;
      out.add(row.put("details", new JsonObject(row.getString("details"))));
    }
    return out;
  }

  private static long count(String sql) {
    return ((JsonObject) backend.rows(sql).getValue(0)).getLong("n");
  }

  /** Waits (bounded) until the query's n equals {@code expected}; returns the last n. */
  private static long awaitCount(String sql, long expected) {
    return MeteringProbe.poll(() -> count(sql), n -> n == expected);
  }

  private static JsonObject water(String serial) {
    return new JsonObject().put("serial", serial).put("kind", "water").put("multiplier", 1)
      .put("registers", new JsonArray().add(new JsonObject().put("name", "volume").put("unit", "m3")))
      .put("binding", new JsonObject().put("protocol", "mqtt").put("gateway", "gw-1"));
  }

  /** Volume readings every 15 minutes from {@code from}, one per increment, starting at {@code start}. */
  private static List<JsonObject> volumeSeries(String serial, Instant from, double start, double[] increments) {
    List<JsonObject> out = new ArrayList<>();
    double value = start;
    out.add(reading(serial, "volume", from.toString(), value, "m3"));
    for (int i = 0; i < increments.length; i++) {
      value += increments[i];
      out.add(reading(serial, "volume", from.plus(Duration.ofMinutes(15L * (i + 1))).toString(), value, "m3"));
    }
    return out;
  }

  private static long intervalsIn(UUID meterId, String register, Instant from, Instant to) {
    return count("SELECT count(*) AS n FROM interval_consumption WHERE meter_id = '" + meterId + "' AND register = '"
      + register + "' AND interval_start >= '" + from + "' AND interval_start < '" + to + "'");
  }

  private static void awaitIntervals(UUID meterId, String register, Instant from, Instant to, long expected) {
    long seen = MeteringProbe.poll(() -> intervalsIn(meterId, register, from, to), n -> n == expected);
    assertEquals(expected, seen, "intervals derived from the readings");
  }

  // ---- device_offline -------------------------------------------------------------------------------------------

  @Test
  @DisplayName("a meter silent for more than 15 minutes gets one device_offline alarm, cleared by the system when it reports again")
  void deviceOffline() {
    Map<String, UUID> ids = probe.importSite(BERLIN, meter("OFF-1"), meter("OFF-NEVER"));
    UUID m = ids.get("OFF-1");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant lastSeen = now.minus(Duration.ofMinutes(30));
    probe.post(List.of(reading("OFF-1", lastSeen.toString(), 100)));
    // device_status is written by the activity flush (every 5 s): wait for it.
    assertEquals(1, awaitCount("SELECT count(*) AS n FROM device_status WHERE meter_id = '" + m
      + "' AND last_seen_at = '" + lastSeen + "'", 1));

    sweep(now);
    sweep(now);
    List<JsonObject> raised = alarms(m, "device_offline");
    assertEquals(1, raised.size(), raised::toString);
    assertEquals("active", raised.get(0).getString("state"));
    assertEquals("warning", raised.get(0).getString("severity"));
    assertEquals(1, raised.get(0).getInteger("occurrences"), "a lasting silence is one occurrence, not one per sweep");
    assertEquals(lastSeen.toString(), raised.get(0).getJsonObject("details").getString("lastSeenAt"));
    assertTrue(alarms(ids.get("OFF-NEVER"), "device_offline").isEmpty(), "a meter that never reported is not offline");

    Instant back = now.minus(Duration.ofMinutes(1));
    probe.post(List.of(reading("OFF-1", back.toString(), 101)));
    assertEquals(1, awaitCount("SELECT count(*) AS n FROM device_status WHERE meter_id = '" + m
      + "' AND last_seen_at = '" + back + "'", 1));
    sweep(now);
    List<JsonObject> after = alarms(m, "device_offline");
    assertEquals(1, after.size(), after::toString);
    assertEquals("cleared", after.get(0).getString("state"));
    assertEquals("system", after.get(0).getString("cleared_by"));
  }

  // ---- gateway_offline ------------------------------------------------------------------------------------------

  @Test
  @DisplayName("a gateway silent for 20 minutes gets exactly one gateway_offline alarm over repeated sweeps, cleared once it is back")
  void gatewayOffline() {
    UUID site = probe.importSite(BERLIN, meter("GW-M1")).get("site");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    // Gateway presence is written by the MQTT endpoint; here the rows are set directly to chosen ages.
    String insert = "INSERT INTO gateway_status (site_id, gateway, protocol, last_seen_at, connected) VALUES ($1, $2, 'mqtt', $3, $4)";
    backend.pool().preparedQuery(insert).executeBatch(List.of(
      Tuple.of(site, "gw-silent", utc(now.minus(Duration.ofMinutes(20))), true),
      Tuple.of(site, "gw-fine", utc(now.minus(Duration.ofMinutes(1))), true),
      Tuple.of(site, "gw-just-dropped", utc(now.minus(Duration.ofMinutes(5))), false))).await();
    String open = "SELECT count(*) AS n FROM alarm WHERE site_id = '" + site + "' AND kind = 'gateway_offline'";

    sweep(now);
    sweep(now);
    sweep(now.plusSeconds(60));
    JsonArray rows = backend.rows("SELECT meter_id, state, occurrences, details->>'gateway' AS gateway FROM alarm "
      + "WHERE site_id = '" + site + "' AND kind = 'gateway_offline'");
    assertEquals(1, rows.size(), rows::encode);
    JsonObject alarm = rows.getJsonObject(0);
    assertEquals("gw-silent", alarm.getString("gateway"));
    assertNull(alarm.getValue("meter_id"));
    assertEquals("active", alarm.getString("state"));
    assertEquals(1, alarm.getInteger("occurrences"));
    assertEquals(1, count(open));

    backend.pool().preparedQuery("UPDATE gateway_status SET last_seen_at = $2, connected = true WHERE site_id = $1 "
      + "AND gateway = 'gw-silent'").execute(Tuple.of(site, utc(now))).await();
    sweep(now);
    JsonArray cleared = backend.rows("SELECT state, cleared_by FROM alarm WHERE site_id = '" + site
      + "' AND kind = 'gateway_offline'");
    assertEquals(1, cleared.size(), cleared::encode);
    assertEquals("cleared", cleared.getJsonObject(0).getString("state"));
    assertEquals("system", cleared.getJsonObject(0).getString("cleared_by"));
  }

  // ---- leak -----------------------------------------------------------------------------------------------------

  @Test
  @DisplayName("water flowing in every quarter hour of the Berlin night 01:00-05:00 raises a critical leak with the night's exact volume")
  void leakRaised() {
    UUID m = probe.importSite(BERLIN, water("LEAK-1")).get("LEAK-1");
    // 2026-11-10 01:00-05:00 CET is 00:00Z-04:00Z. Flow alternates 0.125 and 0.25 m3 per quarter hour:
    // 8 x 0.125 + 8 x 0.25 = 3 m3, never less than 0.125.
    Instant nightStart = Instant.parse("2026-11-10T00:00:00Z");
    Instant nightEnd = Instant.parse("2026-11-10T04:00:00Z");
    double[] flow = new double[16];
    for (int i = 0; i < 16; i++) {
      flow[i] = i % 2 == 0 ? 0.125 : 0.25;
    }
    probe.post(volumeSeries("LEAK-1", nightStart, 50, flow));
    awaitIntervals(m, "volume", nightStart, nightEnd, 16);

    Instant morning = Instant.parse("2026-11-10T06:00:00Z");
    sweep(morning);
    sweep(morning);
    List<JsonObject> leaks = alarms(m, "leak");
    assertEquals(1, leaks.size(), leaks::toString);
    JsonObject leak = leaks.get(0);
    assertEquals("critical", leak.getString("severity"));
    assertEquals("active", leak.getString("state"));
    assertEquals(1, leak.getInteger("occurrences"), "the same night is one occurrence");
    assertEquals(new JsonObject().put("night", "2026-11-10").put("minFlowM3PerInterval", 0.125).put("totalM3", 3.0),
      leak.getJsonObject("details"));

    // Before 05:00 local the night is not complete: the sweep judges the night before (no data: no verdict).
    sweep(Instant.parse("2026-11-11T03:00:00Z"));
    assertEquals("active", alarms(m, "leak").get(0).getString("state"));

    // An operator who cleared the leak of that night (a known filling, say) does not see it raised again by the
    // next sweeps over the same night and data.
    new AlarmService(backend.pool()).resolve(m, AlarmKind.LEAK, "operator").await();
    sweep(morning.plusSeconds(60));
    sweep(morning.plusSeconds(120));
    List<JsonObject> afterClear = alarms(m, "leak");
    assertEquals(1, afterClear.size(), afterClear::toString);
    assertEquals("cleared", afterClear.get(0).getString("state"));
  }

  @Test
  @DisplayName("a night with one quarter hour without flow is no leak, and it clears the leak of an earlier night")
  void zeroIntervalNoLeak() {
    Map<String, UUID> ids = probe.importSite(BERLIN, water("NOLEAK-1"), water("NOLEAK-2"));
    double[] continuous = new double[16];
    double[] withPause = new double[16];
    for (int i = 0; i < 16; i++) {
      continuous[i] = 0.5;
      withPause[i] = i == 9 ? 0 : 0.5;
    }
    // NOLEAK-1 leaks on the night of 12 November, then pauses once on the night of the 13th.
    Instant night12 = Instant.parse("2026-11-12T00:00:00Z");
    Instant night13 = Instant.parse("2026-11-13T00:00:00Z");
    probe.post(volumeSeries("NOLEAK-1", night12, 10, continuous));
    awaitIntervals(ids.get("NOLEAK-1"), "volume", night12, night12.plus(Duration.ofHours(4)), 16);
    sweep(Instant.parse("2026-11-12T06:00:00Z"));
    assertEquals("active", alarms(ids.get("NOLEAK-1"), "leak").get(0).getString("state"));

    probe.post(volumeSeries("NOLEAK-1", night13, 40, withPause));
    probe.post(volumeSeries("NOLEAK-2", night13, 10, withPause));
    awaitIntervals(ids.get("NOLEAK-1"), "volume", night13, night13.plus(Duration.ofHours(4)), 16);
    awaitIntervals(ids.get("NOLEAK-2"), "volume", night13, night13.plus(Duration.ofHours(4)), 16);
    assertEquals(1, intervalsIn(ids.get("NOLEAK-2"), "volume", night13.plus(Duration.ofMinutes(135)),
      night13.plus(Duration.ofMinutes(150))));
    sweep(Instant.parse("2026-11-13T06:00:00Z"));

    assertTrue(alarms(ids.get("NOLEAK-2"), "leak").isEmpty(), "one quarter hour at zero is no leak");
    List<JsonObject> first = alarms(ids.get("NOLEAK-1"), "leak");
    assertEquals(1, first.size(), first::toString);
    assertEquals("cleared", first.get(0).getString("state"));
    assertEquals("system", first.get(0).getString("cleared_by"));
  }

  @Test
  @DisplayName("the leak window follows Berlin's DST: 3 hours on the spring night, 5 on the autumn night")
  void nightWindowIsDstCorrect() {
    ZoneId berlin = ZoneId.of(BERLIN);
    SweepWindow spring = AlarmThresholds.defaults().lastCompleteNight(BERLIN, berlin, Instant.parse("2026-03-29T06:00:00Z"));
    assertEquals(Instant.parse("2026-03-29T00:00:00Z"), spring.start());
    assertEquals(Instant.parse("2026-03-29T03:00:00Z"), spring.end());
    assertEquals(12, spring.intervals());
    SweepWindow autumn = AlarmThresholds.defaults().lastCompleteNight(BERLIN, berlin, Instant.parse("2026-10-25T06:00:00Z"));
    assertEquals(Instant.parse("2026-10-24T23:00:00Z"), autumn.start());
    assertEquals(Instant.parse("2026-10-25T04:00:00Z"), autumn.end());
    assertEquals(20, autumn.intervals());
    // 03:30 local on 11 November: that night is still running, so the last complete one is the 10th.
    assertEquals(LocalDate.parse("2026-11-10"),
      AlarmThresholds.defaults().lastCompleteNight(BERLIN, berlin, Instant.parse("2026-11-11T02:30:00Z")).day());
  }

  // ---- abnormal_consumption -------------------------------------------------------------------------------------

  /**
   * Fixture intervals for one Berlin day: 80 quarter hours at {@code perInterval} and the rest at 0 (96 in all), so the
   * day totals 80 x perInterval exactly. Inserted directly rather than derived from readings: the detector reads only
   * interval_consumption, four weeks of 15-minute readings would make the test slow, and deriving intervals from
   * readings is tested in MeteringIntegrationTest.
   */
  private static void fixtureDay(UUID meterId, LocalDate day, double perInterval) {
    ZoneId zone = ZoneId.of(BERLIN);
    backend.pool().preparedQuery("INSERT INTO interval_consumption (meter_id, register, interval_start, interval_end, "
        + "consumption, quality) SELECT $1, $2, g.t, g.t + interval '15 minutes', CASE WHEN g.n <= 80 THEN $5::double precision ELSE 0 END, "
        + "'actual' FROM generate_series($3::timestamptz, $4::timestamptz - interval '15 minutes', interval '15 minutes') "
        + "WITH ORDINALITY AS g(t, n)")
      .execute(Tuple.of(meterId, KWH, utc(day.atStartOfDay(zone).toInstant()),
        utc(day.plusDays(1).atStartOfDay(zone).toInstant()), perInterval)).await();
  }

  @Test
  @DisplayName("a day at five times the median of the same weekday over four weeks raises abnormal_consumption with ratio 5")
  void abnormalConsumption() {
    Map<String, UUID> ids = probe.importSite(BERLIN, meter("AB-1"), meter("AB-2"));
    UUID m = ids.get("AB-1");
    // "Now" is Thursday 19 November 2026, 09:00 in Berlin: yesterday is Wednesday 18 November,
    // [17T23:00Z, 18T23:00Z). Its 50 kWh come in as real readings every 15 minutes: 80 quarter hours at
    // 0.625 kWh and 16 at 0, so the intervals are actual and sum to exactly 50.
    Instant dayStart = Instant.parse("2026-11-17T23:00:00Z");
    List<JsonObject> readings = new ArrayList<>();
    double value = 1000;
    for (int i = 0; i <= 96; i++) {
      readings.add(reading("AB-1", dayStart.plus(Duration.ofMinutes(15L * i)).toString(), value));
      value += i < 80 ? 0.625 : 0;
    }
    probe.post(readings);
    awaitIntervals(m, KWH, dayStart, dayStart.plus(Duration.ofHours(24)), 96);
    // The baseline: the four Wednesdays before, 10 kWh each (fixtures, see fixtureDay). 28 October is after the
    // DST change and 21 October before it; both are 96-interval days.
    for (String day : List.of("2026-11-11", "2026-11-04", "2026-10-28", "2026-10-21")) {
      fixtureDay(m, LocalDate.parse(day), 0.125);
    }
    // AB-2: the same 50 kWh day but only two Wednesdays of history: no verdict.
    fixtureDay(ids.get("AB-2"), LocalDate.parse("2026-11-18"), 0.625);
    fixtureDay(ids.get("AB-2"), LocalDate.parse("2026-11-11"), 0.125);
    fixtureDay(ids.get("AB-2"), LocalDate.parse("2026-11-04"), 0.125);

    Instant now = Instant.parse("2026-11-19T08:00:00Z");
    sweep(now);
    sweep(now);
    List<JsonObject> raised = alarms(m, "abnormal_consumption");
    assertEquals(1, raised.size(), raised::toString);
    JsonObject alarm = raised.get(0);
    assertEquals("active", alarm.getString("state"));
    assertEquals("warning", alarm.getString("severity"));
    assertEquals(1, alarm.getInteger("occurrences"));
    JsonObject details = alarm.getJsonObject("details");
    assertEquals("2026-11-18", details.getString("day"));
    assertEquals(50.0, details.getDouble("consumption"));
    assertEquals(10.0, details.getDouble("baseline"));
    assertEquals(5.0, details.getDouble("ratio"));
    assertTrue(alarms(ids.get("AB-2"), "abnormal_consumption").isEmpty(), "fewer than 3 baseline days: no verdict");

    // Thursday 19 November back at 10 kWh against three Thursdays at 10: within bounds, cleared.
    for (String day : List.of("2026-11-19", "2026-11-12", "2026-11-05", "2026-10-29")) {
      fixtureDay(m, LocalDate.parse(day), 0.125);
    }
    sweep(Instant.parse("2026-11-20T08:00:00Z"));
    List<JsonObject> after = alarms(m, "abnormal_consumption");
    assertEquals(1, after.size(), after::toString);
    assertEquals("cleared", after.get(0).getString("state"));
    assertEquals("system", after.get(0).getString("cleared_by"));
  }

  @Test
  @DisplayName("an abnormal day an operator cleared is not raised again for the same figures, but is for corrected ones")
  void clearedVerdictStaysClearedUntilTheDataChanges() {
    UUID m = probe.importSite(BERLIN, meter("AB-3")).get("AB-3");
    // "Now" is Thursday 3 December 2026, 09:00 in Berlin: yesterday, Wednesday 2 December, used 50 kWh against
    // four Wednesdays of 10 kWh.
    fixtureDay(m, LocalDate.parse("2026-12-02"), 0.625);
    for (String day : List.of("2026-11-25", "2026-11-18", "2026-11-11", "2026-11-04")) {
      fixtureDay(m, LocalDate.parse(day), 0.125);
    }
    Instant now = Instant.parse("2026-12-03T08:00:00Z");
    sweep(now);
    assertEquals("active", alarms(m, "abnormal_consumption").get(0).getString("state"));

    // The operator looked at it and cleared it. The verdict given again an hour later (late data is looked for) is
    // the same, and raising it again would undo the operator's decision: it stays cleared.
    new AlarmService(backend.pool()).resolve(m, AlarmKind.ABNORMAL_CONSUMPTION, "operator").await();
    sweep(now.plus(AbnormalConsumptionDetector.RECHECK).plusSeconds(60));
    List<JsonObject> afterClear = alarms(m, "abnormal_consumption");
    assertEquals(1, afterClear.size(), afterClear::toString);
    assertEquals("cleared", afterClear.get(0).getString("state"));
    assertEquals("operator", afterClear.get(0).getString("cleared_by"));

    // A corrected interval of yesterday (late readings rebuilt it): the next verdict is on other figures, still five
    // times the baseline, so the alarm is raised again.
    backend.pool().preparedQuery("UPDATE interval_consumption SET consumption = 0.75, computed_at = now() "
        + "WHERE meter_id = $1 AND register = $2 AND interval_start = $3")
      .execute(Tuple.of(m, KWH, utc(Instant.parse("2026-12-01T23:00:00Z")))).await();
    sweep(now.plus(AbnormalConsumptionDetector.RECHECK.multipliedBy(2)).plusSeconds(120));
    List<JsonObject> afterChange = alarms(m, "abnormal_consumption");
    assertEquals(2, afterChange.size(), afterChange::toString);
    assertEquals("active", afterChange.get(1).getString("state"));
    assertEquals("2026-12-02", afterChange.get(1).getJsonObject("details").getString("day"));
    assertEquals(50.125, afterChange.get(1).getJsonObject("details").getDouble("consumption"), 1e-9);
  }

  @Test
  @DisplayName("sweeps over the same days give the verdict again after an hour, not every minute, and then see late data")
  void verdictOnTheSameDaysRepeatedHourly() {
    UUID m = probe.importSite(BERLIN, meter("AB-4")).get("AB-4");
    // "Now" is Thursday 10 December 2026, 09:00 in Berlin: yesterday, Wednesday 9 December, used 10 kWh like the four
    // Wednesdays before. Nothing to raise.
    for (String day : List.of("2026-12-09", "2026-12-02", "2026-11-25", "2026-11-18", "2026-11-11")) {
      fixtureDay(m, LocalDate.parse(day), 0.125);
    }
    Instant now = Instant.parse("2026-12-10T08:00:00Z");
    sweep(now);
    assertTrue(alarms(m, "abnormal_consumption").isEmpty());

    // Late data makes yesterday 50 kWh. The sweep a minute later does not read the days again ...
    backend.pool().preparedQuery("UPDATE interval_consumption SET consumption = consumption * 5, computed_at = now() "
        + "WHERE meter_id = $1 AND register = $2 AND interval_start >= $3 AND interval_start < $4")
      .execute(Tuple.of(m, KWH, utc(Instant.parse("2026-12-08T23:00:00Z")), utc(Instant.parse("2026-12-09T23:00:00Z"))))
      .await();
    sweep(now.plusSeconds(60));
    assertTrue(alarms(m, "abnormal_consumption").isEmpty(), "the days were not read again within the hour");

    // ... the first one after the hour does.
    sweep(now.plus(AbnormalConsumptionDetector.RECHECK).plusSeconds(60));
    List<JsonObject> raised = alarms(m, "abnormal_consumption");
    assertEquals(1, raised.size(), raised::toString);
    assertEquals(50.0, raised.get(0).getJsonObject("details").getDouble("consumption"), 1e-9);
  }

  @Test
  @DisplayName("the verdict bounds: above 3 x baseline + 1, below 0.2 x a baseline of at least 5, nothing near zero")
  void abnormalBounds() {
    assertTrue(AlarmThresholds.defaults().isAbnormal(50, 10));
    assertFalse(AlarmThresholds.defaults().isAbnormal(31, 10));
    assertTrue(AlarmThresholds.defaults().isAbnormal(1.5, 10));
    assertFalse(AlarmThresholds.defaults().isAbnormal(2, 10));
    assertFalse(AlarmThresholds.defaults().isAbnormal(0.9, 0), "a near-zero baseline needs more than noise");
    assertFalse(AlarmThresholds.defaults().isAbnormal(0, 4), "a small baseline gives no too-low verdict");
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
