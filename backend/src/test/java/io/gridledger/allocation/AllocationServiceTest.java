package io.gridledger.allocation;

import io.gridledger.testsupport.TestBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every allocation rule on one site (time zone UTC so the hand arithmetic is plain), with the numbers worked by hand.
 *
 * <p>Floor F1: U1 100 m2 / 10 people, U2 200 m2 / 5, U3 300 m2 / 0, UC 50 m2 common; floor F2: U4 100 m2. T1, T2, T3
 * occupy U1, U2, U3 all January; U4 is vacant on 1 Jan, T5's from 2 to 15 Jan, T4's from 16 Jan.
 */
class AllocationServiceTest {

  private static TestBackend backend;
  private static AllocationFixture f;
  private static AllocationService service;
  private static UUID u1, u2, u3, u4, t1, t2, t3, t4, t5, water, gas, heat, main, s1, plant, e4, rHvac, rBtu;

  @BeforeAll
  static void start() {
    backend = TestBackend.start();
    f = new AllocationFixture(backend.pool(), "Allocation Park", "UTC");
    service = new AllocationService(backend.pool());
    u1 = f.unit(f.floor1, "U1", "100", 10, "office");
    u2 = f.unit(f.floor1, "U2", "200", 5, "office");
    u3 = f.unit(f.floor1, "U3", "300", 0, "retail");
    f.unit(f.floor1, "UC", "50", null, "common");
    u4 = f.unit(f.floor2, "U4", "100", 2, "office");
    t1 = f.tenant("T1");
    t2 = f.tenant("T2");
    t3 = f.tenant("T3");
    t4 = f.tenant("T4");
    t5 = f.tenant("T5");
    f.occupy(t1, u1, "2026-01-01", null);
    f.occupy(t2, u2, "2026-01-01", null);
    f.occupy(t3, u3, "2026-01-01", null);
    f.occupy(t5, u4, "2026-01-02", "2026-01-15");
    f.occupy(t4, u4, "2026-01-16", null);

    water = f.meter("W", "water", "floor", null, null, "volume", "m3");
    f.rule(water, "area", "2026-01-01", new JsonObject());
    gas = f.meter("G", "gas", "site", null, null, "volume", "m3");
    f.rule(gas, "fixed", "2026-01-01", new JsonObject().put("shares", new JsonArray()
      .add(new JsonObject().put("unitId", u1.toString()).put("percent", "50"))
      .add(new JsonObject().put("unitId", u2.toString()).put("percent", "30"))
      .add(new JsonObject().put("unitId", u3.toString()).put("percent", "20"))));
    heat = f.meter("H", "heat", "floor", null, null, "energy_heat", "kWh");
    f.rule(heat, "headcount", "2026-01-01", new JsonObject());
    main = f.meter("M", "electricity", "site", null, null, "energy_active_import", "kWh");
    f.rule(main, "common_remainder", "2026-01-01", AllocationFixture.units(u1, u2, u3).put("spreadBy", "area"));
    s1 = f.meter("S1", "electricity", "unit", u1, main, "energy_active_import", "kWh");
    UUID s2 = f.meter("S2", "electricity", "unit", u2, main, "energy_active_import", "kWh");
    UUID s3 = f.meter("S3", "electricity", "unit", u3, main, "energy_active_import", "kWh");
    e4 = f.meter("E4", "electricity", "unit", u4, null, "energy_active_import", "kWh");
    plant = f.meter("CHILLER", "cooling", "site", null, null, "energy_cooling", "kWh");
    rHvac = f.rule(plant, "hvac_runtime", "2026-01-01", AllocationFixture.units(u1, u2, u3));
    rBtu = f.rule(plant, "btu", "2026-01-07", AllocationFixture.units(u1, u2, u3));
    UUID r1 = f.meter("FC1", "environment", "unit", u1, null, "fan_coil_runtime_weighted", "s");
    UUID r2 = f.meter("FC2", "environment", "unit", u2, null, "fan_coil_runtime_weighted", "s");
    UUID b1 = f.meter("BTU1", "cooling", "unit", u1, null, "energy_cooling", "kWh");
    UUID b2 = f.meter("BTU2", "cooling", "unit", u2, null, "energy_cooling", "kWh");

    String at = "2026-01-05T10:00:00Z";
    f.interval(water, "volume", at, 1.0, false);
    f.interval(gas, "volume", at, 1.001, false);
    f.interval(heat, "energy_heat", at, 7.0, false);
    f.interval(main, "energy_active_import", at, 10.0, false);
    f.interval(s1, "energy_active_import", at, 2.0, false);
    f.interval(s2, "energy_active_import", at, 3.0, false);
    f.interval(s3, "energy_active_import", at, 1.0, false);
    // 6 Jan: fan coils FC1 open 900 s at high speed (weight 1) = 900, FC2 open 600 s at medium (0.75) = 450
    f.interval(plant, "energy_cooling", "2026-01-06T10:00:00Z", 10.0, false);
    f.interval(r1, "fan_coil_runtime_weighted", "2026-01-06T10:00:00Z", 900, false);
    f.interval(r2, "fan_coil_runtime_weighted", "2026-01-06T10:00:00Z", 450, false);
    f.interval(r1, "fan_coil_runtime_weighted", "2026-01-06T10:15:00Z", 0, false);
    f.interval(plant, "energy_cooling", "2026-01-06T10:15:00Z", 0.6, false);
    // 7 Jan: the rule's next version apportions by BTU meters
    f.interval(plant, "energy_cooling", "2026-01-07T12:00:00Z", 5.0, false);
    f.interval(b1, "energy_cooling", "2026-01-07T12:00:00Z", 1.0, false);
    f.interval(b2, "energy_cooling", "2026-01-07T12:00:00Z", 3.0, false);
    // U4: vacant on 1 Jan (the landlord's), T5's last day 15 Jan (estimated), T4's first day 16 Jan
    f.interval(e4, "energy_active_import", "2026-01-01T12:00:00Z", 1.0, false);
    f.interval(e4, "energy_active_import", "2026-01-15T12:00:00Z", 1.5, true);
    f.interval(e4, "energy_active_import", "2026-01-16T12:00:00Z", 2.5, false);
    f.sql("INSERT INTO reading_series (meter_id, register) VALUES ($1, 'energy_active_import')", e4);
    f.sql("INSERT INTO reading_value (series_id, ts, value, source) SELECT id, '2026-01-16T00:00:00Z', 1234.5, "
      + "'manual' FROM reading_series WHERE meter_id = $1", e4);
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  private static TenantUsage usage(List<TenantUsage> all, UUID tenant, String utility) {
    return all.stream().filter(u -> u.tenantId().equals(tenant) && u.utility().equals(utility)).findFirst()
      .orElse(null);
  }

  private static long total(List<TenantUsage> all, UUID tenant, String utility) {
    TenantUsage u = usage(all, tenant, utility);
    return u == null ? -1 : u.totalMilli();
  }

  private static List<TenantUsage> day(String day) {
    LocalDate d = LocalDate.parse(day);
    return service.forSite(f.siteId, d, d.plusDays(1)).await();
  }

  @Test
  void areaSplitGivesTheLeftoverLitreToTheLargestRemainder() {
    // 1 m3 = 1000 l by area 100:200:300 (centi-m2 weights 10000:20000:30000, sum 60000):
    // U1 1000x1/6 = 166 r 40000, U2 333 r 20000, U3 500 r 0 -> 999 given, the 1 left goes to U1 (largest remainder)
    List<TenantUsage> all = day("2026-01-05");
    assertEquals(167, total(all, t1, "water"));
    assertEquals(333, total(all, t2, "water"));
    assertEquals(500, total(all, t3, "water"));
    assertEquals("m3", usage(all, t1, "water").unit());
    UsageSource src = usage(all, t1, "water").sources().get(0);
    assertEquals("area", src.ruleKind());
    assertEquals("W", src.meterSerial());
    assertEquals(1000, src.meteredMilli());
  }

  @Test
  void fixedPercentages() {
    // 1.001 m3 = 1001 l at 50/30/20 %: 500.5, 300.3, 200.2 -> 500 + 300 + 200 = 1000, the 1 left to U1 (.5 largest)
    List<TenantUsage> all = day("2026-01-05");
    assertEquals(501, total(all, t1, "gas"));
    assertEquals(300, total(all, t2, "gas"));
    assertEquals(200, total(all, t3, "gas"));
  }

  @Test
  void headcount() {
    // 7 kWh = 7000 Wh by 10:5:0 people: 4666.67, 2333.33, 0 -> 4666 + 2333 = 6999, the 1 left to U1
    List<TenantUsage> all = day("2026-01-05");
    assertEquals(4667, total(all, t1, "heat"));
    assertEquals(2333, total(all, t2, "heat"));
    assertEquals(0, total(all, t3, "heat"));
  }

  @Test
  void commonAreaRemainderSpreadByAreaOnTopOfDirectSubMeters() {
    // main 10 kWh - (2 + 3 + 1) sub-metered = 4 kWh common/losses = 4000 Wh by area 1:2:3:
    // 666.67, 1333.33, 2000 -> 666 + 1333 + 2000 = 3999, the 1 left to U1 -> 667
    // T1 2000 + 667 = 2667, T2 3000 + 1333 = 4333, T3 1000 + 2000 = 3000; together 10000 = the main meter
    List<TenantUsage> all = day("2026-01-05");
    assertEquals(2667, total(all, t1, "electricity"));
    assertEquals(4333, total(all, t2, "electricity"));
    assertEquals(3000, total(all, t3, "electricity"));
    TenantUsage e1 = usage(all, t1, "electricity");
    assertEquals(2, e1.sources().size());
    UsageSource direct = e1.sources().stream().filter(s -> s.ruleKind().equals("direct")).findFirst().orElseThrow();
    assertEquals(s1, direct.meterId());
    assertNull(direct.ruleId());
    assertEquals(2000, direct.shareMilli());
    UsageSource common = e1.sources().stream().filter(s -> s.ruleKind().equals("common_remainder")).findFirst()
      .orElseThrow();
    assertEquals(667, common.shareMilli());
    assertEquals(4000, common.meteredMilli());
  }

  @Test
  void hvacRuntimeWeightedThenBtuAfterTheRuleVersionChange() {
    // 6 Jan 10:00, hvac_runtime: 10 kWh by weighted runtime 900:450 -> 6666.67, 3333.33 -> 6667 (largest r.), 3333
    // 6 Jan 10:15: 0.6 kWh, no fan coil ran -> area fallback 1:2:3 -> 100, 200, 300
    // 7 Jan 12:00, btu (version from 7 Jan): 5 kWh by BTU meters 1:3:0 -> 1250, 3750, 0
    // T1 6667 + 100 + 1250 = 8017, T2 3333 + 200 + 3750 = 7283, T3 300
    List<TenantUsage> all = service.forSite(f.siteId, LocalDate.of(2026, 1, 6), LocalDate.of(2026, 1, 8)).await();
    assertEquals(8017, total(all, t1, "cooling"));
    assertEquals(7283, total(all, t2, "cooling"));
    assertEquals(300, total(all, t3, "cooling"));
    TenantUsage c1 = usage(all, t1, "cooling");
    assertEquals(2, c1.sources().size(), "the BTU meters are instruments of the split, not billed directly");
    assertEquals(6767, c1.sources().stream().filter(s -> rHvac.equals(s.ruleId())).findFirst().orElseThrow().shareMilli());
    assertEquals(1250, c1.sources().stream().filter(s -> rBtu.equals(s.ruleId())).findFirst().orElseThrow().shareMilli());
    // 2 days of 96 intervals, the 6 Jan 10:00 one (index 40) is T1's 6667 Wh
    assertEquals(192, c1.usage().size());
    assertEquals(LocalDate.of(2026, 1, 6).atStartOfDay().toEpochSecond(java.time.ZoneOffset.UTC) + 40 * 900,
      c1.usage().intervalStartsEpochSecond()[40]);
    assertEquals(6667, c1.usage().quantitiesMilli()[40]);
  }

  @Test
  void batchesOfTenantsHoldExactlyWhatOneReadOfTheSiteHolds() {
    LocalDate from = LocalDate.of(2026, 1, 1);
    LocalDate to = LocalDate.of(2026, 2, 1);
    List<String> whole = service.forSite(f.siteId, from, to).await().stream().map(AllocationServiceTest::describe)
      .sorted().toList();
    UsageBatches batches = service.forSiteInBatches(f.siteId, from, to, 2).await();
    long tenants = whole.stream().map(d -> d.substring(0, 36)).distinct().count();
    assertTrue(tenants > 2, "the fixture must need more than one batch");
    assertEquals(tenants, batches.tenants());
    assertEquals((tenants + 1) / 2, batches.count());
    List<String> batched = new ArrayList<>();
    for (int i = 0; i < batches.count(); i++) {
      List<TenantUsage> batch = batches.batch(i).await();
      assertTrue(batch.stream().map(TenantUsage::tenantId).distinct().count() <= 2, "at most 2 tenants per batch");
      batch.forEach(u -> batched.add(describe(u)));
    }
    assertEquals(whole, batched.stream().sorted().toList());
  }

  @Test
  void aListOfTenantsReadsOnlyThoseEvenWithOthersBetweenThemInTheRange() {
    LocalDate from = LocalDate.of(2026, 1, 1);
    LocalDate to = LocalDate.of(2026, 2, 1);
    List<TenantUsage> whole = service.forSite(f.siteId, from, to).await();
    List<UUID> ordered = whole.stream().map(TenantUsage::tenantId).distinct().sorted(UsageAssembler.DATABASE_UUID_ORDER)
      .toList();
    assertTrue(ordered.size() > 2, "the fixture must have a tenant between the lowest and the highest");
    // the lowest and the highest: every other tenant of the site lies inside their range, and must not be read
    List<UUID> listed = List.of(ordered.get(0), ordered.get(ordered.size() - 1));
    List<String> read = UsageAssembler.read(backend.pool(), SiteModel.load(backend.pool(), f.siteId).await(), listed,
      from, to).await().stream().map(AllocationServiceTest::describe).sorted().toList();
    List<String> expected = whole.stream().filter(u -> listed.contains(u.tenantId()))
      .map(AllocationServiceTest::describe).sorted().toList();
    assertFalse(expected.isEmpty());
    assertEquals(expected, read);
  }

  @Test
  void tenantRangesUseTheDatabasesOrderOfUuids() {
    // batches are cut from tenants ordered by the database and read as ranges: Java must agree with PostgreSQL on
    // which uuid is lowest, including those whose first byte has the high bit set (negative in a signed long)
    List<UUID> ids = new ArrayList<>();
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 200; i++) {
      ids.add(new UUID(random.nextLong(), random.nextLong()));
    }
    ids.add(UUID.fromString("80000000-0000-0000-0000-000000000000"));
    ids.add(UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff"));
    ids.add(UUID.fromString("00000000-0000-0000-8000-000000000000"));
    List<UUID> byDatabase = new ArrayList<>();
    backend.pool().preparedQuery("SELECT u FROM unnest($1::uuid[]) u ORDER BY u")
      .execute(Tuple.of(ids.toArray(new UUID[0]))).await()
      .forEach(r -> byDatabase.add(r.getUUID(0)));
    assertEquals(byDatabase, ids.stream().sorted(UsageAssembler.DATABASE_UUID_ORDER).toList());
  }

  /** Everything a usage holds, arrays included, as text (records compare arrays by identity). */
  private static String describe(TenantUsage u) {
    return u.tenantId() + " " + u.utility() + " " + u.unit() + " " + u.serviceStart() + ".." + u.serviceEnd() + " "
      + u.estimated() + " " + Arrays.toString(u.usage().intervalStartsEpochSecond()) + " "
      + Arrays.toString(u.usage().quantitiesMilli()) + " " + u.sources();
  }

  @Test
  void moveInMidMonthSplitsTheUnitMeterByOccupancyDays() {
    List<TenantUsage> all = service.forSite(f.siteId, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1)).await();
    TenantUsage in = usage(all, t4, "electricity");
    assertEquals(2500, in.totalMilli());
    assertEquals(LocalDate.of(2026, 1, 16), in.serviceStart());
    assertEquals(LocalDate.of(2026, 2, 1), in.serviceEnd());
    assertFalse(in.estimated());
    assertEquals(1234.5, in.sources().get(0).openingRead());
    TenantUsage out = usage(all, t5, "electricity");
    assertEquals(1500, out.totalMilli());
    assertEquals(LocalDate.of(2026, 1, 2), out.serviceStart());
    assertEquals(LocalDate.of(2026, 1, 16), out.serviceEnd());
    assertTrue(out.estimated());
    assertEquals(1234.5, out.sources().get(0).closingRead());
    // 1 Jan U4 was vacant: that 1 kWh is the landlord's (stored, never a tenant's)
    List<AllocatedRow> rows = service.rows(f.siteId, null, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 2), true)
      .await();
    assertTrue(rows.stream().anyMatch(r -> r.meterId().equals(e4) && r.tenantId() == null && r.totalMilli() == 1000));
    assertEquals(List.of(), service.forTenant(t4, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 16)).await());
  }

  @Test
  void everyMeterIsSplitExactlyOnSiteDay() {
    // all rows of 5 Jan including the landlord's add up, utility by utility, to what the meters measured
    List<AllocatedRow> rows = service.rows(f.siteId, null, LocalDate.of(2026, 1, 5), LocalDate.of(2026, 1, 6), true)
      .await();
    assertEquals(1000, sum(rows, "water"));
    assertEquals(1001, sum(rows, "gas"));
    assertEquals(7000, sum(rows, "heat"));
    assertEquals(10000, sum(rows, "electricity"));
  }

  @Test
  void rollupsAddUpToTheSharesTheyRollUp() {
    service.forSite(f.siteId, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1)).await();
    // per tenant and utility: the tenant-day rollup, the source-day rollup and the shares themselves agree exactly
    var rows = backend.pool().preparedQuery("SELECT u.tenant_id, u.utility, u.total, "
        + "(SELECT sum(total_milli) FROM allocated_tenant_day d WHERE d.site_id = $1 AND d.tenant_id = u.tenant_id "
        + "AND d.utility = u.utility) AS days, "
        + "(SELECT sum(share_milli) FROM allocated_source_day s WHERE s.site_id = $1 AND s.tenant_id = u.tenant_id "
        + "AND s.utility = u.utility) AS sources "
        + "FROM (SELECT tenant_id, utility, sum(total_milli) AS total FROM allocated_usage WHERE site_id = $1 "
        + "AND tenant_id IS NOT NULL GROUP BY 1, 2) u").execute(Tuple.of(f.siteId)).await();
    assertTrue(rows.size() >= 10, "every tenant and utility with a share");
    for (var r : rows) {
      assertEquals(r.getLong("total"), r.getLong("days"), r.getUUID("tenant_id") + " " + r.getString("utility"));
      assertEquals(r.getLong("total"), r.getLong("sources"), r.getUUID("tenant_id") + " " + r.getString("utility"));
    }
  }

  @Test
  void aDayTooLargeForFourByteValuesIsStoredAndReadWithEight() {
    AllocationFixture g = new AllocationFixture(backend.pool(), "Smelter Park", "UTC");
    UUID a = g.unit(g.floor1, "A", "100", 1, "industrial");
    UUID ta = g.tenant("TA");
    g.occupy(ta, a, "2026-03-01", null);
    UUID ea = g.meter("EA", "electricity", "unit", a, null, "energy_active_import", "kWh");
    g.interval(ea, "energy_active_import", "2026-03-10T08:00:00Z", 3_000_000.5, false);   // 3e9 Wh: beyond an int
    g.interval(ea, "energy_active_import", "2026-03-11T08:00:00Z", 2.5, false);
    List<TenantUsage> all = service.forSite(g.siteId, LocalDate.of(2026, 3, 10), LocalDate.of(2026, 3, 12)).await();
    assertEquals(3_000_003_000L, total(all, ta, "electricity"));
    assertEquals(3_000_000_500L, usage(all, ta, "electricity").usage().quantitiesMilli()[32]);
    assertEquals(8, ((Number) g.scalar("SELECT value_bytes FROM allocated_tenant_day WHERE tenant_id = $1 "
      + "AND day = '2026-03-10'", ta)).intValue());
    assertEquals(4, ((Number) g.scalar("SELECT value_bytes FROM allocated_tenant_day WHERE tenant_id = $1 "
      + "AND day = '2026-03-11'", ta)).intValue());
    // the shares themselves are packed the same way, and read back whole
    assertEquals(8, ((Number) g.scalar("SELECT value_bytes FROM allocated_usage WHERE tenant_id = $1 "
      + "AND day = '2026-03-10'", ta)).intValue());
    assertEquals(4, ((Number) g.scalar("SELECT value_bytes FROM allocated_usage WHERE tenant_id = $1 "
      + "AND day = '2026-03-11'", ta)).intValue());
    List<AllocatedRow> shares = service.rows(g.siteId, ta, LocalDate.of(2026, 3, 10), LocalDate.of(2026, 3, 12), false)
      .await();
    assertEquals(2, shares.size());
    assertEquals(3_000_000_500L, shares.get(0).quantities()[32]);
    assertEquals(2_500L, shares.get(1).quantities()[32]);
  }

  @Test
  void deletingASiteDeletesItsStoredAllocation() {
    // the three tables have no foreign key to site since V19: a trigger on site does what ON DELETE CASCADE did
    Pool pool = backend.pool();
    UUID site = UUID.randomUUID();
    UUID tenant = UUID.randomUUID();
    UUID meter = UUID.randomUUID();
    Tuple ids = Tuple.of(site, tenant, meter);
    pool.preparedQuery("INSERT INTO site (id, name, time_zone, currency) VALUES ($1, 'Short-lived', 'UTC', 'EUR')")
      .execute(Tuple.of(site)).await();
    pool.preparedQuery("INSERT INTO allocated_usage (site_id, day, tenant_id, utility, meter_id, register, rule_kind, "
      + "day_start, quantities, total_milli, metered_milli, estimated, value_bytes) VALUES ($1, '2026-03-01', $2, "
      + "'electricity', $3, 'energy_active_import', 'direct', '2026-03-01T00:00:00Z', '\\x00000001', 1, 1, false, 4)")
      .execute(ids).await();
    pool.preparedQuery("INSERT INTO allocated_tenant_day (site_id, day, tenant_id, utility, unit, day_start, value_bytes, "
      + "quantities, total_milli, estimated) VALUES ($1, '2026-03-01', $2, 'electricity', 'kWh', "
      + "'2026-03-01T00:00:00Z', 4, '\\x00000001', 1, false)").execute(Tuple.of(site, tenant))
      .await();
    pool.preparedQuery("INSERT INTO allocated_source_day (site_id, day, tenant_id, utility, meter_id, register, "
      + "rule_kind, share_milli, metered_milli, estimated) VALUES ($1, '2026-03-01', $2, 'electricity', $3, "
      + "'energy_active_import', 'direct', 1, 1, false)").execute(ids).await();
    pool.preparedQuery("DELETE FROM site WHERE id = $1").execute(Tuple.of(site)).await();
    for (String table : List.of("allocated_usage", "allocated_tenant_day", "allocated_source_day")) {
      assertEquals(0L, pool.preparedQuery("SELECT count(*) FROM " + table + " WHERE site_id = $1")
        .execute(Tuple.of(site)).await().iterator().next().getLong(0), table);
    }
  }

  @Test
  void theMaintainerComputesRecentDaysBeforeAnyoneReadsThemAndOnlyStaleOnesAgain() {
    AllocationFixture g = new AllocationFixture(backend.pool(), "Maintained Park", "Europe/Berlin");
    UUID a = g.unit(g.floor1, "A", "100", 1, "office");
    UUID ta = g.tenant("TA");
    g.occupy(ta, a, "2026-03-01", null);
    UUID ea = g.meter("EA", "electricity", "unit", a, null, "energy_active_import", "kWh");
    g.interval(ea, "energy_active_import", "2026-03-18T08:00:00Z", 1.5, false);
    g.interval(ea, "energy_active_import", "2026-03-19T08:00:00Z", 2.0, false);
    java.time.Clock noon = java.time.Clock.fixed(java.time.Instant.parse("2026-03-20T11:00:00Z"), java.time.ZoneOffset.UTC);
    AllocationMaintainer maintainer = new AllocationMaintainer(backend.pool(), new JsonObject()
      .put("maintainIntervalSeconds", 0).put("maintainDays", 5), null, noon);
    maintainer.maintain().await();
    // 16 to 20 March (site-local) are computed; the two days with data have their rollups
    assertEquals(5L, g.scalar("SELECT count(*) FROM allocation_day WHERE site_id = $1", g.siteId));
    assertEquals(3500L, g.scalar("SELECT sum(total_milli)::bigint FROM allocated_tenant_day WHERE site_id = $1", g.siteId));
    Object before = g.scalar("SELECT computed_at FROM allocation_day WHERE site_id = $1 AND day = '2026-03-18'",
      g.siteId);
    g.interval(ea, "energy_active_import", "2026-03-19T08:00:00Z", 2.25, false);   // a corrected interval
    maintainer.maintain().await();
    assertEquals(3750L, g.scalar("SELECT sum(total_milli)::bigint FROM allocated_tenant_day WHERE site_id = $1", g.siteId));
    assertEquals(before, g.scalar("SELECT computed_at FROM allocation_day WHERE site_id = $1 AND day = '2026-03-18'",
      g.siteId), "a day whose inputs did not change is not recomputed");
    assertEquals(3750, total(service.forSite(g.siteId, LocalDate.of(2026, 3, 16), LocalDate.of(2026, 3, 21)).await(),
      ta, "electricity"));
  }

  private static long sum(List<AllocatedRow> rows, String utility) {
    return rows.stream().filter(r -> r.utility().equals(utility)).mapToLong(AllocatedRow::totalMilli).sum();
  }

  @Test
  void lateDataAndRuleChangesAreRecomputed() {
    AllocationFixture g = new AllocationFixture(backend.pool(), "Late Data Park", "UTC");
    UUID a = g.unit(g.floor1, "A", "100", 1, "office");
    UUID b = g.unit(g.floor1, "B", "300", 1, "office");
    UUID ta = g.tenant("TA");
    UUID tb = g.tenant("TB");
    g.occupy(ta, a, "2026-03-01", null);
    g.occupy(tb, b, "2026-03-01", null);
    UUID w = g.meter("W2", "water", "floor", null, null, "volume", "m3");
    g.rule(w, "area", "2026-03-01", new JsonObject());
    g.interval(w, "volume", "2026-03-10T08:00:00Z", 0.4, true);
    LocalDate from = LocalDate.of(2026, 3, 10);
    List<TenantUsage> first = service.forSite(g.siteId, from, from.plusDays(1)).await();
    assertEquals(100, total(first, ta, "water"));          // 400 l by 1:3
    assertTrue(usage(first, ta, "water").estimated());
    g.interval(w, "volume", "2026-03-10T08:00:00Z", 0.8, false);   // the actual reading replaced the estimate
    List<TenantUsage> second = service.forSite(g.siteId, from, from.plusDays(1)).await();
    assertEquals(200, total(second, ta, "water"));
    assertEquals(600, total(second, tb, "water"));
    assertFalse(usage(second, ta, "water").estimated());
    g.rule(w, "headcount", "2026-03-10", new JsonObject());   // new version: 1:1 people
    List<TenantUsage> third = service.forSite(g.siteId, from, from.plusDays(1)).await();
    assertEquals(400, total(third, ta, "water"));
    assertEquals(400, total(third, tb, "water"));
  }
}
