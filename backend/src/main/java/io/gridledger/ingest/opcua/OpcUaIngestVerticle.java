package io.gridledger.ingest.opcua;

import io.gridledger.ingest.DeviceActivity;
import io.gridledger.ingest.IncomingReading;
import io.gridledger.ingest.IngestService;
import io.gridledger.ingest.MeterDirectory;
import io.gridledger.ingest.MeterDirectory.MeterRef;
import io.gridledger.ingest.ReadingBatchParser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Receives the site model's OPC UA meters' registers by subscription. Meters are grouped by endpoint URL; each endpoint
 * has one Milo client (security None, anonymous) with one subscription holding a data-change monitored item per
 * register ({@code ns=2;s=<serial>/<register>}, or the binding's nodeId + "/" + register). Good values become readings
 * with their source timestamp (source "opcua"); Bad ones count as communication errors.
 *
 * <p>Milo keeps the session alive, reconnects and reactivates it or creates a new one and transfers the subscription;
 * when the transfer fails (the server restarted) the subscription and its items are created again here. If the first
 * connection fails it is retried with exponential backoff. Milo's blocking calls run on worker threads and its
 * callbacks are handed to this verticle's context, so the event loop never waits on the network.
 *
 * <p>Relay commands: {@link #RELAY_ADDRESS} with {@code {"meterId": "...", "closed": b}} writes
 * {@code <serial>/relay_closed}; without "closed" it reads the variable back from the device; the reply is
 * {@code {"closed": b}}.
 */
public final class OpcUaIngestVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OpcUaIngestVerticle.class);

  public static final String RELAY_ADDRESS = "gridledger.ingest.opcua.relay";
  public static final int DEFAULT_POLL_INTERVAL_SECONDS = 15;
  public static final long RECONNECT_MIN_MS = 500, RECONNECT_MAX_MS = 30_000;

  private final MeterDirectory directory;
  private final Function<Vertx, IngestService> ingestFactory;
  private final DeviceActivity activity;
  private final Map<String, Endpoint> endpoints = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private IngestService ingest;
  private boolean stopped;

  public OpcUaIngestVerticle(MeterDirectory directory, Function<Vertx, IngestService> ingestFactory,
                             DeviceActivity activity) {
    this.directory = directory;
    this.ingestFactory = ingestFactory;
    this.activity = activity;
  }

  @Override
  public Future<?> start() {
    ingest = ingestFactory.apply(vertx);
    consumers.add(vertx.eventBus().consumer(MeterDirectory.RELOADED, m -> refresh()));
    consumers.add(vertx.eventBus().<JsonObject>consumer(RELAY_ADDRESS, this::relayCommand));
    refresh();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    consumers.forEach(MessageConsumer::unregister);
    List<Future<Void>> closing = new ArrayList<>();
    endpoints.values().forEach(e -> closing.add(e.close()));
    endpoints.clear();
    // A device that does not answer must not hold up shutdown: give closing a bound, then let go.
    return Future.join(closing).timeout(5, java.util.concurrent.TimeUnit.SECONDS)
      .recover(e -> Future.succeededFuture());
  }

  /** A register as subscribed: which meter and register a monitored item carries. */
  private record Item(MeterRef meter, String register, NodeId nodeId) {
  }

  void refresh() {
    Map<String, Map<NodeId, Item>> wanted = new HashMap<>();
    Map<String, Double> intervals = new HashMap<>();
    for (MeterRef m : directory.all()) {
      if (!"opcua".equals(m.protocol()) || m.binding() == null || m.binding().getString("endpointUrl") == null) {
        continue;
      }
      String url = m.binding().getString("endpointUrl");
      String base = m.binding().getString("nodeId", "ns=2;s=" + m.serial());
      double interval = 1000.0 * Math.max(1, m.binding().getInteger("pollIntervalSeconds", DEFAULT_POLL_INTERVAL_SECONDS));
      intervals.merge(url, interval, Math::min);
      Map<NodeId, Item> items = wanted.computeIfAbsent(url, k -> new HashMap<>());
      for (String register : m.registers().keySet()) {
        NodeId nodeId = NodeId.parseOrNull(base + "/" + register);
        if (nodeId != null) {
          items.put(nodeId, new Item(m, register, nodeId));
        }
      }
    }
    for (var it = endpoints.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wanted.containsKey(e.getKey()) || !wanted.get(e.getKey()).equals(e.getValue().items)
        || !Objects.equals(intervals.get(e.getKey()), e.getValue().intervalMs)) {
        e.getValue().close();
        it.remove();
      }
    }
    wanted.forEach((url, items) -> endpoints.computeIfAbsent(url, k -> {
      Endpoint endpoint = new Endpoint(url, items, intervals.get(url));
      endpoint.connect(RECONNECT_MIN_MS);
      return endpoint;
    }));
    LOG.info("opcua subscribing endpoints={} items={}", endpoints.size(),
      endpoints.values().stream().mapToInt(e -> e.items.size()).sum());
  }

  // ---- relay ----

  /** The endpoint (connected) and relay variable of an OPC UA meter, or an IllegalArgument/IllegalState failure. */
  private record RelayNode(Endpoint endpoint, NodeId nodeId) {
  }

  private Future<RelayNode> relayNode(UUID meterId) {
    MeterRef meter = directory.byId(meterId);
    Endpoint endpoint = meter == null || meter.binding() == null ? null
      : endpoints.get(meter.binding().getString("endpointUrl"));
    if (endpoint == null || !"opcua".equals(meter.protocol())) {
      return Future.failedFuture(new IllegalArgumentException("meter " + meterId + " is not a subscribed OPC UA meter"));
    }
    if (endpoint.client == null) {
      return Future.failedFuture(new IllegalStateException("not connected to " + endpoint.url));
    }
    NodeId relay = NodeId.parseOrNull(meter.binding().getString("nodeId", "ns=2;s=" + meter.serial()) + "/relay_closed");
    if (relay == null) {
      return Future.failedFuture(new IllegalArgumentException("meter " + meterId + " has no valid relay node id"));
    }
    return Future.succeededFuture(new RelayNode(endpoint, relay));
  }

  /** Reads {@code <serial>/relay_closed} from the device (not the subscription's last sample): true when closed. */
  public Future<Boolean> readRelay(UUID meterId) {
    return onContext(() -> relayNode(meterId).compose(node -> bridge(() -> node.endpoint().client.readValuesAsync(0,
        org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn.Neither, List.of(node.nodeId())))
      .compose(values -> {
        DataValue value = values.get(0);
        StatusCode status = value.getStatusCode() == null ? StatusCode.GOOD : value.getStatusCode();
        Object v = value.getValue() == null ? null : value.getValue().getValue();
        if (status.isGood() && v instanceof Boolean closed) {
          return Future.succeededFuture(closed);
        }
        activity.error(meterId, "opcua relay read " + node.nodeId().toParseableString() + ": " + status);
        return Future.failedFuture(new IllegalStateException("relay read " + status));
      })));
  }

  /** Writes {@code <serial>/relay_closed}: true closes the supply. */
  public Future<Void> writeRelay(UUID meterId, boolean closed) {
    return onContext(() -> relayNode(meterId).compose(node -> {
      Endpoint endpoint = node.endpoint();
      NodeId relay = node.nodeId();
      return bridge(() -> endpoint.client.writeValuesAsync(List.of(relay),
          List.of(DataValue.valueOnly(new Variant(closed)))))
        .compose(results -> {
          StatusCode status = results.get(0);
          if (status.isGood()) {
            return Future.<Void>succeededFuture();
          }
          activity.error(meterId, "opcua relay write " + relay.toParseableString() + ": " + status);
          return Future.failedFuture(new IllegalStateException("relay write refused: " + status));
        });
    }));
  }

  private void relayCommand(Message<JsonObject> message) {
    JsonObject body = message.body();
    UUID meterId;
    try {
      meterId = UUID.fromString(body.getString("meterId"));
    } catch (RuntimeException e) {
      message.fail(400, "meterId must be a UUID");
      return;
    }
    Object closedValue = body.getValue("closed");
    if (closedValue != null && !(closedValue instanceof Boolean)) {
      message.fail(400, "closed must be a boolean");
      return;
    }
    Future<Boolean> result = closedValue instanceof Boolean closed
      ? writeRelay(meterId, closed).map(closed) : readRelay(meterId);
    result.onSuccess(closed -> message.reply(new JsonObject().put("closed", closed)))
      .onFailure(e -> message.fail(e instanceof IllegalArgumentException ? 404 : 503, String.valueOf(e.getMessage())));
  }

  // ---- bridging ----

  /** A Milo CompletionStage as a Vert.x future completed on this verticle's context. */
  private <T> Future<T> bridge(Supplier<? extends CompletionStage<T>> call) {
    Context ctx = context;
    Promise<T> promise = Promise.promise();
    call.get().whenComplete((result, error) -> ctx.runOnContext(v -> {
      if (error != null) {
        promise.fail(error instanceof java.util.concurrent.CompletionException && error.getCause() != null
          ? error.getCause() : error);
      } else {
        promise.complete(result);
      }
    }));
    return promise.future();
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Context ctx = context;
    if (ctx == null) {
      return Future.failedFuture(new IllegalStateException("opcua ingest not deployed"));
    }
    if (Vertx.currentContext() == ctx) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    ctx.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  // ---- endpoints ----

  private final class Endpoint implements OpcUaSubscription.SubscriptionListener {
    final String url;
    final Map<NodeId, Item> items;
    final Double intervalMs;
    OpcUaClient client;
    OpcUaSubscription subscription;
    boolean closed;
    boolean recreating;

    Endpoint(String url, Map<NodeId, Item> items, double intervalMs) {
      this.url = url;
      this.items = Map.copyOf(items);
      this.intervalMs = intervalMs;
    }

    /** First connection (with discovery), retried with backoff until it succeeds or the endpoint is closed. */
    void connect(long backoffMs) {
      if (closed || stopped) {
        return;
      }
      vertx.executeBlocking(() -> {
          // create() runs endpoint discovery and waits for it: a worker thread's job
          OpcUaClient c = OpcUaClient.create(url);
          try {
            c.connect();
            createSubscription(c);
          } catch (Exception e) {
            try {
              c.disconnect();
            } catch (Exception ignored) {
              // it was not connected
            }
            throw e;
          }
          return c;
        }, false)
        .onSuccess(c -> {
          if (closed || stopped) {
            vertx.executeBlocking(() -> c.disconnect(), false);
            return;
          }
          client = c;
          c.addSessionActivityListener(new org.eclipse.milo.opcua.sdk.client.SessionActivityListener() {
            @Override
            public void onSessionInactive(org.eclipse.milo.opcua.sdk.client.UaSession session) {
              // Milo reconnects by itself; meanwhile every meter behind the endpoint is unreachable.
              context.runOnContext(x -> {
                if (!closed && !stopped) {
                  LOG.warn("opcua endpoint {}: session lost, reconnecting", url);
                  items.values().stream().map(Item::meter).distinct()
                    .forEach(m -> activity.error(m.id(), "opcua " + url + ": session lost"));
                }
              });
            }
          });
          LOG.info("opcua connected endpoint={} items={}", url, items.size());
        })
        .onFailure(e -> {
          LOG.warn("opcua endpoint {} not reachable ({}); retrying in {} ms", url, e.toString(), backoffMs);
          items.values().stream().map(Item::meter).distinct()
            .forEach(m -> activity.error(m.id(), "opcua " + url + ": " + e.getMessage()));
          vertx.setTimer(backoffMs, id -> connect(Math.min(RECONNECT_MAX_MS, backoffMs * 2)));
        });
    }

    /** Blocking: creates the subscription and one monitored item per register. */
    private void createSubscription(OpcUaClient c) throws Exception {
      OpcUaSubscription s = subscription;
      if (s == null || s.getClient() != c) {
        s = new OpcUaSubscription(c, intervalMs);
        s.setSubscriptionListener(this);
        List<OpcUaMonitoredItem> monitored = new ArrayList<>();
        for (Item item : items.values()) {
          OpcUaMonitoredItem m = OpcUaMonitoredItem.newDataItem(item.nodeId());
          m.setSamplingInterval(intervalMs);
          m.setUserObject(item);
          monitored.add(m);
        }
        s.addMonitoredItems(monitored);
        subscription = s;
      }
      s.create();
      try {
        s.synchronizeMonitoredItems();
      } catch (org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemSynchronizationException e) {
        // Items the server refused (unknown node, for example) are reported, the others work.
        LOG.warn("opcua endpoint {}: some monitored items were not created: {}", url, e.getMessage());
      }
    }

    @Override
    public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> monitored, List<DataValue> values) {
      // Milo's delivery thread: only collect, then hand over to the verticle's context.
      List<IncomingReading> readings = new ArrayList<>();
      List<Map.Entry<UUID, String>> errors = new ArrayList<>();
      for (int i = 0; i < monitored.size(); i++) {
        if (!(monitored.get(i).getUserObject().orElse(null) instanceof Item item)) {
          continue;
        }
        DataValue value = values.get(i);
        StatusCode status = value.getStatusCode() == null ? StatusCode.GOOD : value.getStatusCode();
        Object v = value.getValue() == null ? null : value.getValue().getValue();
        if (status.isBad() || !(v instanceof Number number)) {
          errors.add(Map.entry(item.meter().id(), "opcua " + item.nodeId().toParseableString() + ": " + status));
          continue;
        }
        Instant ts = value.getSourceTime() != null ? value.getSourceTime().getJavaInstant()
          : value.getServerTime() != null ? value.getServerTime().getJavaInstant() : Instant.now();
        String unit = item.meter().registers().get(item.register()).unit();
        readings.add(new IncomingReading(item.meter().serial(), item.register(), ts, number.doubleValue(), unit,
          status.isGood() ? "good" : "uncertain"));
      }
      context.runOnContext(x -> {
        errors.forEach(e -> activity.error(e.getKey(), e.getValue()));
        if (!readings.isEmpty()) {
          ingest.ingest(new ReadingBatchParser.Parsed(null, readings, List.of()), "opcua", url, null)
            .onFailure(e -> LOG.warn("opcua readings from {} not stored: {}", url, e.getMessage()));
        }
      });
    }

    @Override
    public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
      // The server lost the subscription (it restarted): create it and its items again on the new session.
      LOG.info("opcua endpoint {}: subscription not transferred ({}); creating it again", url, status);
      context.runOnContext(x -> recreate(RECONNECT_MIN_MS));
    }

    @Override
    public void onWatchdogTimerElapsed(OpcUaSubscription s) {
      LOG.debug("opcua endpoint {}: no publish response within the keep-alive window", url);
    }

    private void recreate(long backoffMs) {
      OpcUaClient c = client;
      if (closed || stopped || c == null || recreating) {
        return;
      }
      recreating = true;
      vertx.executeBlocking(() -> {
          subscription.reset();
          createSubscription(c);
          return null;
        }, false)
        .onComplete(r -> recreating = false)
        .onSuccess(v -> LOG.info("opcua endpoint {}: subscription recreated", url))
        .onFailure(e -> {
          LOG.warn("opcua endpoint {}: subscription not recreated ({}); retrying in {} ms", url, e.toString(), backoffMs);
          vertx.setTimer(backoffMs, id -> recreate(Math.min(RECONNECT_MAX_MS, backoffMs * 2)));
        });
    }

    Future<Void> close() {
      closed = true;
      OpcUaClient c = client;
      client = null;
      if (c == null) {
        return Future.succeededFuture();
      }
      return vertx.executeBlocking(() -> {
        try {
          c.disconnect();
        } catch (Exception e) {
          LOG.debug("opcua disconnect {}: {}", url, e.toString());
        }
        return null;
      }, false);
    }
  }
}
