package io.gridledger.prepaid;

import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One prepaid meter-interval to (re)charge: its current quantity and what has been charged for it so far. */
final class ChargeRow {
  final UUID meterId;
  final String register;
  final OffsetDateTime intervalStart;
  final UUID siteId;
  final UUID tenantId;
  final String utility;
  final String registerUnit;
  final String zone;
  final String currency;
  final double quantity;
  long amountEnergyMinor;
  long amountTaxMinor;
  final long chargedEnergyMinor;
  final long chargedTaxMinor;
  final int revision;
  /** Whether the amounts are known (a retry) or still to be rated. */
  boolean priced;

  ChargeRow(Row r, boolean priced) {
    meterId = r.getUUID("meter_id");
    register = r.getString("register");
    intervalStart = r.getOffsetDateTime("interval_start");
    siteId = r.getUUID("site_id");
    tenantId = r.getUUID("tenant_id");
    utility = r.getString("utility");
    registerUnit = r.getString("unit");
    zone = r.getString("time_zone");
    currency = r.getString("currency");
    quantity = r.getDouble("quantity");
    Long e = r.getLong("charged_energy_minor");
    Long t = r.getLong("charged_tax_minor");
    Integer rev = r.getInteger("revision");
    chargedEnergyMinor = e == null ? 0 : e;
    chargedTaxMinor = t == null ? 0 : t;
    revision = rev == null ? 0 : rev;
    this.priced = priced;
    if (priced) {
      amountEnergyMinor = r.getLong("amount_energy_minor");
      amountTaxMinor = r.getLong("amount_tax_minor");
    }
  }

  String key() {
    return meterId + "|" + register + "|" + intervalStart.toInstant();
  }

  long deltaEnergyMinor() {
    return amountEnergyMinor - chargedEnergyMinor;
  }

  long deltaTaxMinor() {
    return amountTaxMinor - chargedTaxMinor;
  }

  /** The transfer id of this row's next posting: the same interval and revision always give the same id. */
  UUID nextTransferId() {
    return UUID.nameUUIDFromBytes(("gridledger-prepaid|" + meterId + "|" + register + "|"
      + intervalStart.toInstant() + "|" + (revision + 1)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
