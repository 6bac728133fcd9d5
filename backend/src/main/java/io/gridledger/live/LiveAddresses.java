package io.gridledger.live;

/**
 * The event-bus addresses the live push listens on: the narrow interface through which every capability tells the
 * WebSocket clients what changed. Publish a {@link io.vertx.core.json.JsonObject} (readings: a JsonArray) after the
 * change is committed; the live hub routes it to the topics it belongs to, authorised subscribers only, and (with
 * Redis) to the other instances. A malformed message is logged and dropped, never delivered. Field names are those of
 * docs/protocols.md ("Live push").
 */
public final class LiveAddresses {

  /**
   * Committed raw readings, coalesced to the latest value per meter and register by {@link LiveReadingTap} (one
   * message per tick per ingest pipeline). Body: JsonArray of {meterId, register, ts, value, quality}.
   */
  public static final String READINGS = "gridledger.live.readings";

  /**
   * Interval consumption rebuilt by metering. Body: {siteId, meterId, register, from, to, intervals: [{start, end,
   * consumption, quality}]} (the latest intervals of the rebuilt span, newest first, at most four).
   */
  public static final String INTERVAL = "gridledger.live.interval";

  /**
   * An alarm raised (or repeated), acknowledged or cleared. Body: {change: raised|acknowledged|cleared, alarm: the
   * alarm as the REST API shows it (siteId, meterId, kind, state, ...)}.
   */
  public static final String ALARM = "gridledger.live.alarm";

  /**
   * A tenant account's balance changed (ledger / prepaid). Body: {siteId, tenantId, accountId, balanceMinor (integer
   * minor units), currency, status}.
   */
  public static final String BALANCE = "gridledger.live.balance";

  /** A relay's confirmed state (control). Body: {siteId, meterId, state, commandId, confirmedAt}. */
  public static final String RELAY = "gridledger.live.relay";

  /** Bill-run progress (billing). Body: {runId, siteId, state, tenantsTotal, tenantsDone, tenantsFailed}. */
  public static final String BILL_RUN = "gridledger.live.bill-run";

  private LiveAddresses() {
  }
}
