package io.gridledger.bench;

import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Modbus polling cost: N simulated meters polled at 1 Hz. The simulator runs as its own process (its jar), so the
 * CPU measured here is the backend's alone: polling, decoding and storing the readings (PostgreSQL is another
 * process and not counted). Prints CPU cores used and the readings stored per second.
 *
 * <p>Run (after {@code mvn -q -B -DskipTests install}): {@code GRIDLEDGER_TEST_DB_URL=postgresql://postgres@127.0.0.1:5432/postgres
 * mvn -q -B -pl backend test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.gridledger.bench.ModbusPollingBenchmark -Dexec.args="1000 60"}.
 */
public final class ModbusPollingBenchmark {

  private static final int FIRST_PORT = 25020;
  private static final int METERS_PER_PORT = 200;

  public static void main(String[] args) throws Exception {
    int meters = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    // A third argument delays interval derivation (ms), to separate polling from deriving intervals.
    int rebuildDelayMs = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    JsonObject site = site(meters);
    Path siteFile = Files.createTempFile("bench-site", ".json");
    Files.writeString(siteFile, site.encode());
    Process simulator = new ProcessBuilder("java", "-jar", simulatorJar().toString(), "--site", siteFile.toString(),
      "--mqtt", "127.0.0.1:1").redirectErrorStream(true).redirectOutput(Path.of("/tmp/bench-simulator.log").toFile())
      .start();
    try (TestBackend backend = TestBackend.start(new JsonObject().put("log", new JsonObject().put("level", "WARN"))
      .put("metering", new JsonObject().put("rebuildDelayMs", rebuildDelayMs)))) {
      Thread.sleep(3000);
      ContractHttp http = ContractHttp.of(backend);
      String admin = backend.login(TestBackend.ADMIN);
      if (http.call("importSite", "POST", "/sites/import", admin, site).status() != 201) {
        throw new IllegalStateException("import failed");
      }
      Thread.sleep(10_000);   // warm-up: connections open, JIT compiled, polls spread over the second
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long rows0 = backend.count("reading");
      long t0 = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      long cpu1 = os.getProcessCpuTime();
      long rows1 = backend.count("reading");
      double wallS = (System.nanoTime() - t0) / 1e9;
      double cores = (cpu1 - cpu0) / 1e9 / wallS;
      System.out.printf("modbus polling: meters=%d interval=1s seconds=%.0f%n", meters, wallS);
      System.out.printf("  backend CPU             = %.3f cores (process CPU time / wall time)%n", cores);
      System.out.printf("  readings stored/s       = %.0f (expected %d: 1 register x %d meters)%n",
        (rows1 - rows0) / wallS, meters, meters);
      System.out.printf("  device errors           = %s%n", backend.rows("SELECT coalesce(sum(error_count), 0) AS e "
        + "FROM device_status").getJsonObject(0).getValue("e"));
    } finally {
      simulator.destroy();
      simulator.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(siteFile);
    }
    System.exit(0);
  }

  private static JsonObject site(int meters) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < meters; i++) {
      int port = FIRST_PORT + i / METERS_PER_PORT;
      list.add(new JsonObject().put("serial", "MB-" + i).put("kind", "electricity").put("model", "Eastron SDM630")
        .put("registers", new JsonArray().add(new JsonObject().put("name", "energy_active_import").put("unit", "kWh")))
        .put("binding", new JsonObject().put("protocol", "modbus").put("host", "127.0.0.1").put("port", port)
          .put("unitId", 1 + i % METERS_PER_PORT).put("registerMap", "eastron-sdm630").put("pollIntervalSeconds", 1)));
    }
    return new JsonObject().put("site", new JsonObject().put("name", "Modbus bench").put("timeZone", "Europe/Berlin")
      .put("currency", "EUR")).put("meters", list);
  }

  private static Path simulatorJar() {
    Path fromModule = Path.of("..", "device-simulator", "target", "gridledger-device-simulator.jar");
    return Files.exists(fromModule) ? fromModule : Path.of("device-simulator", "target", "gridledger-device-simulator.jar");
  }
}
