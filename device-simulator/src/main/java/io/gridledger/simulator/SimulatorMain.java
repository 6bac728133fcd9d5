package io.gridledger.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the simulator alone:
 * <pre>
 * java -jar gridledger-device-simulator.jar --site site.json [--mqtt host:port] [--interval 15] [--tick 1000]
 *      [--time-scale 1] [--bind 127.0.0.1] [--fault [DELAY@]SPEC ...]
 * </pre>
 * Fault SPECs: offline:SERIAL:SECONDS, rollover:SERIAL:REGISTER, exchange:SERIAL, spike:SERIAL:REGISTER:FACTOR,
 * duplicate:GATEWAY, shuffle:GATEWAY, malformed:GATEWAY; a DELAY in seconds (wall clock) postpones one, e.g.
 * {@code --fault 60@offline:EL-T05-U2:300}.
 */
public final class SimulatorMain {

  private static final String USAGE = """
    usage: java -jar gridledger-device-simulator.jar --site SITE.json [options]
      --site FILE          site document in the SiteImport format of the API contract (required)
      --mqtt HOST:PORT     MQTT broker the gateways publish to (default 127.0.0.1:1884)
      --interval SECONDS   MQTT publish interval (default 15)
      --tick MILLIS        physics step (default 1000)
      --time-scale X       simulated seconds per real second (default 1)
      --bind HOST          address for the Modbus and OPC UA listeners (default 127.0.0.1)
      --fault [DELAY@]SPEC inject a fault, DELAY seconds after start (repeatable):
                           offline:SERIAL:SECONDS  rollover:SERIAL:REGISTER  exchange:SERIAL
                           spike:SERIAL:REGISTER:FACTOR  duplicate:GATEWAY  shuffle:GATEWAY  malformed:GATEWAY
    """;

  private SimulatorMain() {
  }

  public static void main(String[] args) throws Exception {
    // Before the first logger exists: the jar's own log configuration, unless the caller chose one.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "simulator-logback.xml");
    }
    Arguments arguments;
    try {
      arguments = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      fail(e.getMessage());
      return;
    }
    JsonObject site = new JsonObject(Files.readString(arguments.site));
    Vertx vertx = Vertx.vertx();
    DeviceSimulator simulator;
    try {
      simulator = DeviceSimulator.start(vertx, site, arguments.options).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      fail("Cannot start: " + e.getMessage());
      return;
    }
    for (String fault : arguments.faults) {
      scheduleFault(vertx, simulator, fault);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        simulator.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // shutting down anyway
      }
      stopped.countDown();
    }));
    stopped.await();
  }

  private static void scheduleFault(Vertx vertx, DeviceSimulator simulator, String spec) {
    int at = spec.indexOf('@');
    long delaySeconds = at < 0 ? 0 : Long.parseLong(spec.substring(0, at));
    String fault = at < 0 ? spec : spec.substring(at + 1);
    Runnable apply = () -> {
      try {
        applyFault(simulator.faults(), fault);
        System.out.println("fault injected: " + fault);
      } catch (RuntimeException e) {
        System.err.println("fault " + fault + " failed: " + e.getMessage());
      }
    };
    if (delaySeconds <= 0) {
      apply.run();
    } else {
      vertx.setTimer(delaySeconds * 1000, id -> apply.run());
    }
  }

  static void applyFault(FaultInjector faults, String fault) {
    String[] p = fault.split(":");
    switch (p[0]) {
      case "offline" -> faults.offline(p[1], Duration.ofSeconds(Long.parseLong(p[2])));
      case "rollover" -> faults.rolloverSoon(p[1], p[2]);
      case "exchange" -> faults.exchange(p[1]);
      case "spike" -> faults.spike(p[1], p[2], Double.parseDouble(p[3]));
      case "duplicate" -> faults.duplicateNextBatch(p[1]);
      case "shuffle" -> faults.shuffleNextBatch(p[1]);
      case "malformed" -> faults.malformedNextMessage(p[1]);
      default -> throw new IllegalArgumentException("unknown fault " + p[0]);
    }
  }

  private static void fail(String message) {
    PrintStream err = System.err;
    err.println(message);
    err.print(USAGE);
    System.exit(2);
  }

  private record Arguments(Path site, SimulatorOptions options, List<String> faults) {

    static Arguments parse(String[] args) {
      Path site = null;
      SimulatorOptions options = new SimulatorOptions();
      List<String> faults = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--help") || flag.equals("-h")) {
          System.out.print(USAGE);
          System.exit(0);
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + flag);
        }
        String value = args[++i];
        try {
          switch (flag) {
            case "--site" -> site = Path.of(value);
            case "--mqtt" -> {
              int colon = value.lastIndexOf(':');
              if (colon < 0) {
                throw new IllegalArgumentException("--mqtt takes HOST:PORT");
              }
              options.mqttHost(value.substring(0, colon)).mqttPort(Integer.parseInt(value.substring(colon + 1)));
            }
            case "--interval" -> options.mqttPublishIntervalSeconds(Integer.parseInt(value));
            case "--tick" -> options.tickMillis(Long.parseLong(value));
            case "--time-scale" -> options.timeScale(Double.parseDouble(value));
            case "--bind" -> options.bindHost(value);
            case "--fault" -> faults.add(value);
            default -> throw new IllegalArgumentException("unknown option " + flag);
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a number after " + flag + ": " + value);
        }
      }
      if (site == null) {
        throw new IllegalArgumentException("--site is required");
      }
      if (!Files.isReadable(site)) {
        throw new IllegalArgumentException("cannot read " + site);
      }
      return new Arguments(site, options, faults);
    }
  }
}
