package io.gridledger.live;

import io.gridledger.auth.Principal;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One connected client: its subscriptions and its outbound queue. While the socket takes data, the messages routed to
 * it in one burst (what the hub routes before it flushes: a tick of readings, a run of events) are written as one
 * frame, a JSON array (one message alone goes as its object): one frame and one socket write per client per tick, not
 * per message. Once the socket's write queue is full (the client reads slower than we push), messages wait here, bounded:
 * values are merged per key (only the newest waits), events wait up to a limit and beyond it are dropped and counted;
 * when the socket drains, the client is first told how many it missed, then gets what waited. So a client that stops
 * reading holds at most the socket's write queue plus these two bounds, never more.
 *
 * <p>Used on the API server's event loop only.
 */
final class LiveClient {

  /** What tests and metrics can see of a client. */
  record Stats(long id, String subject, int topics, int queuedEvents, int queuedValues, long droppedEvents,
               long droppedValues, long delivered, boolean writeQueueFull) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("subject", subject).put("topics", topics)
        .put("queuedEvents", queuedEvents).put("queuedValues", queuedValues).put("droppedEvents", droppedEvents)
        .put("droppedValues", droppedValues).put("delivered", delivered).put("writeQueueFull", writeQueueFull);
    }
  }

  final long id;
  final ServerWebSocket socket;
  final Principal principal;
  /** When the token this connection was opened with expires (0: an API key, re-checked instead). */
  final long expiresAtMs;
  final String apiKey;
  final Set<String> topics = new HashSet<>();
  private final int maxEvents;
  private final int maxValues;
  private final ArrayDeque<String> events = new ArrayDeque<>();
  private final LinkedHashMap<String, String> values = new LinkedHashMap<>();
  private long droppedEvents;
  private long droppedValues;
  private long reportedEvents;
  private long reportedValues;
  private long delivered;
  private long stalledSinceMs = -1;
  private boolean closed;
  int errors;
  /**
   * The current values sent after a subscription. They wait here, not in the bounded value queue, so a site's
   * thousands of values are never dropped: this list was fetched for the client anyway, and it drains only as fast
   * as the socket takes it, after anything live.
   */
  private final ArrayDeque<Object[]> snapshot = new ArrayDeque<>();
  /** Snapshot fetches not yet queued. */
  private int snapshotsPending;
  /** Keys sent live since a snapshot was requested: the snapshot's older value of such a key is not sent. */
  private Set<String> sinceSnapshot;

  /** Fan-out bookkeeping: the event being routed and the topics of this client it matched. */
  LiveEvent routing;
  List<String> routedTopics;
  /** The messages of the current burst, as the frame being built ("[" then messages joined by ","). */
  private StringBuilder burst = new StringBuilder(RETAINED_FRAME_CHARS);
  private int burstMessages;
  /**
   * The frame buffer is kept between bursts (no garbage per tick) up to this capacity; a larger one (a site's burst)
   * is let go, so ten thousand idle clients do not each hold the largest frame they ever had.
   */
  private static final int RETAINED_FRAME_CHARS = 2048;
  /** A frame is closed and a new one begun past this size: it stays within what every client accepts. */
  private final int maxFrameChars;

  LiveClient(long id, ServerWebSocket socket, Principal principal, int maxEvents, int maxValues, long expiresAtMs,
             String apiKey, int maxFrameChars) {
    this.id = id;
    this.socket = socket;
    this.principal = principal;
    this.expiresAtMs = expiresAtMs;
    this.apiKey = apiKey;
    this.maxEvents = maxEvents;
    this.maxValues = maxValues;
    this.maxFrameChars = maxFrameChars;
  }

  /**
   * A pushed message, as part of the current burst; {@link #flush()} writes the burst. Returns true when this opened
   * the burst (the hub then remembers to flush this client).
   */
  boolean route(LiveEvent event, List<String> topics) {
    if (closed || socket.isClosed()) {
      return false;
    }
    if (!events.isEmpty() || !values.isEmpty() || socket.writeQueueFull()) {
      // Behind already: the message waits (merged or bounded) and goes out when the socket drains.
      offer(event, LiveHub.frame(false, topics, event));
      return false;
    }
    if (sinceSnapshot != null && event.value()) {
      sinceSnapshot.add(event.key());
    }
    int size = event.tail().length() + 48 * topics.size() + 16;
    if (burstMessages > 0 && burst.length() + size > maxFrameChars) {
      flush();
    }
    boolean opened = burstMessages == 0;
    burst.append(opened ? '[' : ',');
    LiveHub.appendFrame(burst, false, topics, event);
    burstMessages++;
    return opened;
  }

  /** Writes the current burst as one frame. */
  void flush() {
    if (burstMessages == 0) {
      return;
    }
    String frame = burstMessages == 1 ? burst.substring(1) : burst.append(']').toString();
    int messages = burstMessages;
    if (burst.capacity() > RETAINED_FRAME_CHARS) {
      burst = new StringBuilder(RETAINED_FRAME_CHARS);
    } else {
      burst.setLength(0);
    }
    burstMessages = 0;
    if (!closed && !socket.isClosed()) {
      delivered += messages - 1;
      write(frame);
    }
  }

  /** A message for this client (control replies too); frames are complete JSON texts. */
  void offer(LiveEvent event, String frame) {
    if (closed || socket.isClosed()) {
      // Closed by the peer; the close handler that unregisters this client has not run yet.
      return;
    }
    // What was routed before this message goes before it.
    flush();
    if (sinceSnapshot != null && event != null && event.value()) {
      sinceSnapshot.add(event.key());
    }
    if (events.isEmpty() && values.isEmpty() && !socket.writeQueueFull()) {
      write(frame);
      return;
    }
    if (stalledSinceMs < 0) {
      stalledSinceMs = System.currentTimeMillis();
    }
    if (event != null && event.value()) {
      if (values.containsKey(event.key()) || values.size() < maxValues) {
        values.put(event.key(), frame);
      } else {
        droppedValues++;
      }
    } else if (events.size() < maxEvents) {
      events.add(frame);
    } else {
      droppedEvents++;
    }
  }

  /** A snapshot is being fetched for this client: from now on live keys are remembered. */
  void snapshotRequested() {
    snapshotsPending++;
    if (sinceSnapshot == null) {
      sinceSnapshot = new java.util.HashSet<>();
    }
  }

  /** The fetched snapshot values, each with the client's topics it matches; sent by {@link #drain()}. */
  void snapshotFetched(List<Object[]> valuesWithTopics) {
    snapshotsPending--;
    snapshot.addAll(valuesWithTopics);
    drain();
  }

  int snapshotQueued() {
    return snapshot.size();
  }

  void control(JsonObject message) {
    offer(null, message.encode());
  }

  /**
   * The socket drained: tell the client what it missed, then send what waited, while the socket takes it. What waited
   * goes out batched too, a frame of up to {@link #maxFrameChars} at a time.
   */
  void drain() {
    while (!closed && !socket.isClosed() && !socket.writeQueueFull()) {
      if (droppedEvents > reportedEvents || droppedValues > reportedValues) {
        batch(new JsonObject().put("type", "dropped").put("events", droppedEvents - reportedEvents)
          .put("values", droppedValues - reportedValues).put("totalEvents", droppedEvents)
          .put("totalValues", droppedValues).encode());
        reportedEvents = droppedEvents;
        reportedValues = droppedValues;
      } else if (!events.isEmpty()) {
        batch(events.poll());
      } else if (!values.isEmpty()) {
        Iterator<Map.Entry<String, String>> first = values.entrySet().iterator();
        String frame = first.next().getValue();
        first.remove();
        batch(frame);
      } else if (!snapshot.isEmpty()) {
        Object[] next = snapshot.poll();
        LiveEvent event = (LiveEvent) next[0];
        if (!sinceSnapshot.contains(event.key())) {
          @SuppressWarnings("unchecked")
          List<String> topics = (List<String>) next[1];
          batch(LiveHub.frame(true, topics, event));
        }
      } else {
        flush();
        if (snapshotsPending == 0) {
          sinceSnapshot = null;
        }
        stalledSinceMs = -1;
        return;
      }
    }
    flush();
  }

  /** One waiting message into the frame being built; a full frame is written. */
  private void batch(String message) {
    burst.append(burstMessages == 0 ? '[' : ',').append(message);
    burstMessages++;
    if (burst.length() >= maxFrameChars) {
      flush();
    }
  }

  private void write(String frame) {
    delivered++;
    socket.writeTextMessage(frame);
  }

  /** True when the client has not taken data for longer than {@code limitMs}. */
  boolean stalledLongerThan(long nowMs, long limitMs) {
    return stalledSinceMs >= 0 && nowMs - stalledSinceMs > limitMs;
  }

  void closed() {
    closed = true;
    burst = new StringBuilder(0);
    burstMessages = 0;
    events.clear();
    values.clear();
    snapshot.clear();
  }

  boolean isClosed() {
    return closed;
  }

  Stats stats() {
    return new Stats(id, principal.subject(), topics.size(), events.size(), values.size(), droppedEvents, droppedValues,
      delivered, !socket.isClosed() && socket.writeQueueFull());
  }
}
