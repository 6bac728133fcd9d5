package io.gridledger.billing;

import io.gridledger.tariff.ChargeLine;
import io.vertx.core.json.JsonArray;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One tenant's rated period, before it is stored: what a draft invoice (or a rebill) will hold.
 *
 * @param usage       per utility: unit, total, estimated, sources (meter reads, rule), daily totals, peaks
 * @param fingerprint SHA-256 of lines and usage: equal fingerprints mean a re-run has nothing to change
 */
public record RatedInvoice(UUID tenantId, List<Line> lines, long subtotalMinor, long taxMinor, long totalMinor,
                           Map<String, Long> netByUtility, JsonArray usage, String fingerprint) {

  /** A charge line with the utility, service days and tariff version that produced it. */
  public record Line(String utility, ChargeLine charge, LocalDate serviceStart, LocalDate serviceEnd, UUID tariffId,
                     UUID tariffVersionId, int tariffVersionNumber) {
  }
}
