package io.gridledger.billing;

import io.gridledger.tariff.ChargeLine;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One tenant's rated period, before it is stored: what a draft invoice (or a rebill) will hold.
 *
 * @param usageJson   per utility: unit, total, estimated, sources (meter reads, rule), daily totals, peaks; as the JSON
 *                    text the invoice stores, encoded once (the fingerprint hashes the same text)
 * @param fingerprint SHA-256 of lines and usage: equal fingerprints mean a re-run has nothing to change
 */
public record RatedInvoice(UUID tenantId, List<Line> lines, long subtotalMinor, long taxMinor, long totalMinor,
                           Map<String, Long> netByUtility, String usageJson, String fingerprint) {

  /** A charge line with the utility, service days and tariff version that produced it. */
  public record Line(String utility, ChargeLine charge, LocalDate serviceStart, LocalDate serviceEnd, UUID tariffId,
                     UUID tariffVersionId, int tariffVersionNumber) {
  }
}
