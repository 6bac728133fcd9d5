package io.gridledger;

import io.gridledger.config.GridledgerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Command line: {@code serve [--config file.yaml]} runs the platform; {@code demo [--config file.yaml]} also seeds
 * the demo site (once) and its logins; {@code create-admin NAME [--config file.yaml]} creates the first admin of an
 * installation, reading the password from GRIDLEDGER_ADMIN_PASSWORD or the first line of standard input.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    String command = args.length > 0 ? args[0] : "serve";
    Path configFile = null;
    String username = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        configFile = Path.of(args[++i]);
      } else if (command.equals("create-admin") && username == null && !args[i].startsWith("-")) {
        username = args[i];
      } else {
        usage("unknown argument " + args[i]);
      }
    }
    if (!command.equals("serve") && !command.equals("demo") && !command.equals("create-admin")) {
      usage("unknown command " + command);
    }
    Map<String, String> environment = new HashMap<>(System.getenv());
    if (command.equals("demo")) {
      environment.put("GRIDLEDGER_DEMO_ENABLED", "true");
    }
    GridledgerConfig config;
    try {
      config = GridledgerConfig.load(configFile, environment);
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    Application app = new Application(vertx, config);
    if (command.equals("create-admin")) {
      createAdmin(vertx, app, username);
      return;
    }
    app.start().onSuccess(a -> {
      if (command.equals("demo")) {
        printDemoBanner(config.section("http"), a.port());
      }
    }).onFailure(e -> {
      LOG.error("start failed: {}", e.getMessage(), e);
      // Not on the event loop: exit runs the shutdown hook, which waits for the event loop to close things.
      new Thread(() -> System.exit(1), "gridledger-exit").start();
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        app.stop().eventually(vertx::close).await();
      } catch (Exception e) {
        LOG.warn("shutdown incomplete: {}", e.getMessage());
      }
    }, "gridledger-shutdown"));
  }

  private static void createAdmin(Vertx vertx, Application app, String username) {
    if (username == null) {
      usage("create-admin needs a username");
    }
    String password = System.getenv("GRIDLEDGER_ADMIN_PASSWORD");
    if (password == null) {
      System.err.print("password for " + username + ": ");
      password = new java.util.Scanner(System.in).nextLine();
    }
    if (password.length() < 10) {
      System.err.println("the admin password must have at least 10 characters");
      System.exit(2);
    }
    int status = 0;
    try {
      app.createAdmin(username, password).await();
      System.out.println("admin " + username + " is ready");
    } catch (Exception e) {
      System.err.println("could not create admin: " + e.getMessage());
      status = 1;
    }
    app.stop().eventually(vertx::close).await();
    System.exit(status);
  }

  private static void printDemoBanner(JsonObject http, int port) {
    String base = http.getString("publicUrl") != null ? http.getString("publicUrl") : "http://localhost:" + port;
    System.out.println();
    System.out.println("  Gridledger demo is running");
    System.out.println("    3D twin (operators)   " + base + "/");
    System.out.println("    tenant portal         " + base + "/portal");
    System.out.println("    API docs (Swagger UI) " + base + "/docs");
    System.out.println("    contract              " + base + "/openapi.yaml");
    System.out.println("    health                " + base + "/health");
    System.out.println("    logins                admin / admin (twin)   tenant1 .. tenant51 / demo (portal)");
    System.out.println("    token                 curl -s -XPOST " + base
      + "/api/v1/auth/token -H 'Content-Type: application/json' -d '{\"username\":\"admin\",\"password\":\"admin\"}'");
    System.out.println();
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: gridledger serve|demo [--config file.yaml]");
    System.err.println("       gridledger create-admin USERNAME [--config file.yaml]   (password from GRIDLEDGER_ADMIN_PASSWORD or stdin)");
    System.exit(2);
  }
}
