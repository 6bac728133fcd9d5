package io.gridledger.payment;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server that checks Checkout Session creation the way Stripe does: the secret key as a Bearer token,
 * a form-encoded body with the parameters a one-off payment needs, and Idempotency-Key semantics (the same key
 * answers the same session; the same key with other parameters is an idempotency_error).
 */
final class FakeStripe implements AutoCloseable {

  static final String SECRET_KEY = "sk_test_gridledger_fake";

  /** One request as received: headers of interest and the decoded form. */
  record Received(String authorization, String contentType, String idempotencyKey, Map<String, String> form) {
  }

  private final HttpServer server;
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, String[]> byIdempotencyKey = new ConcurrentHashMap<>();
  private final AtomicInteger sessions = new AtomicInteger();
  private final AtomicBoolean failing = new AtomicBoolean();

  FakeStripe() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/v1/checkout/sessions", this::createSession);
    server.start();
  }

  String apiBase() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** While true, every request answers 500 (Stripe down). */
  void failing(boolean fail) {
    failing.set(fail);
  }

  private void createSession(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> form = decode(body);
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    received.add(new Received(exchange.getRequestHeaders().getFirst("Authorization"),
      exchange.getRequestHeaders().getFirst("Content-Type"), key, form));
    if (failing.get()) {
      answer(exchange, 500, error("api_error", "Something went wrong on Stripe's end."));
      return;
    }
    if (!("Bearer " + SECRET_KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      answer(exchange, 401, error("invalid_request_error", "Invalid API Key provided"));
      return;
    }
    if (!"POST".equals(exchange.getRequestMethod()) || !String.valueOf(exchange.getRequestHeaders()
      .getFirst("Content-Type")).startsWith("application/x-www-form-urlencoded")) {
      answer(exchange, 400, error("invalid_request_error", "Send a form-encoded POST"));
      return;
    }
    String missing = missing(form);
    if (missing != null) {
      answer(exchange, 400, error("invalid_request_error", "Missing required param: " + missing + "."));
      return;
    }
    String[] session = key == null ? null : byIdempotencyKey.computeIfAbsent(key, k -> newSession(body, form));
    if (session == null) {
      session = newSession(body, form);
    }
    if (!session[0].equals(body)) {
      answer(exchange, 400, error("idempotency_error", "Keys for idempotent requests can only be used with the same "
        + "parameters they were first used with."));
      return;
    }
    answer(exchange, 200, session[1]);
  }

  private String[] newSession(String body, Map<String, String> form) {
    String id = "cs_test_" + sessions.incrementAndGet();
    JsonObject session = new JsonObject().put("id", id).put("object", "checkout.session")
      .put("amount_total", Long.parseLong(form.get("line_items[0][price_data][unit_amount]")))
      .put("currency", form.get("line_items[0][price_data][currency]"))
      .put("client_reference_id", form.get("client_reference_id"))
      .put("metadata", new JsonObject().put("top_up_id", form.get("metadata[top_up_id]")))
      .put("mode", "payment").put("payment_status", "unpaid").put("status", "open")
      .put("success_url", form.get("success_url")).put("url", "https://checkout.stripe.test/c/pay/" + id);
    return new String[] {body, session.encode()};
  }

  private static String missing(Map<String, String> form) {
    for (String required : List.of("mode", "success_url", "line_items[0][quantity]", "line_items[0][price_data][currency]",
      "line_items[0][price_data][unit_amount]", "line_items[0][price_data][product_data][name]")) {
      if (form.get(required) == null || form.get(required).isEmpty()) {
        return required;
      }
    }
    if (!form.get("mode").equals("payment") || !form.get("line_items[0][price_data][currency]").matches("[a-z]{3}")
      || !form.get("line_items[0][price_data][unit_amount]").matches("[0-9]+")) {
      return "mode/currency/unit_amount (invalid value)";
    }
    return null;
  }

  private static Map<String, String> decode(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private static String error(String type, String message) {
    return new JsonObject().put("error", new JsonObject().put("type", type).put("message", message)).encode();
  }

  private static void answer(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
