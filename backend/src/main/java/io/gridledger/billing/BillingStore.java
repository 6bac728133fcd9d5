package io.gridledger.billing;

import io.gridledger.postpaid.IssuedDocument;
import io.gridledger.tariff.PeakDemand;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Billing's reads. The site's zone, currency and name and the tenants' names and billing modes are read from the
 * site model's tables (read-only, a deliberate shortcut: the site capability has no service interface for them yet).
 */
final class BillingStore {

  private BillingStore() {
  }

  record SiteFacts(UUID id, String name, ZoneId zone, String currency) {
    String code() {
      return Numbering.siteCode(name);
    }
  }

  record TenantFacts(UUID id, String legalName, String billingMode) {
  }

  /** The latest invoice of a tenant's period that no credit note has reversed. */
  record Current(UUID id, String status, String fingerprint, String number) {
  }

  static Future<SiteFacts> site(SqlClient db, UUID siteId) {
    return db.preparedQuery("SELECT id, name, time_zone, currency FROM site WHERE id = $1").execute(Tuple.of(siteId))
      .map(rows -> {
        if (rows.size() == 0) {
          throw new IllegalStateException("site " + siteId + " does not exist");
        }
        Row r = rows.iterator().next();
        return new SiteFacts(siteId, r.getString("name"), ZoneId.of(r.getString("time_zone")), r.getString("currency"));
      });
  }

  static Future<Map<UUID, TenantFacts>> tenants(SqlClient db, UUID siteId) {
    return db.preparedQuery("SELECT id, legal_name, billing_mode FROM tenant WHERE site_id = $1").execute(Tuple.of(siteId))
      .map(rows -> {
        Map<UUID, TenantFacts> out = new HashMap<>();
        for (Row r : rows) {
          out.put(r.getUUID("id"), new TenantFacts(r.getUUID("id"), r.getString("legal_name"), r.getString("billing_mode")));
        }
        return out;
      });
  }

  static final String CURRENT = "i.kind = 'invoice' AND NOT EXISTS (SELECT 1 FROM invoice c WHERE c.credits_invoice_id = i.id)";

  static Future<Map<UUID, Current>> current(SqlClient db, UUID siteId, BillingPeriod period) {
    return db.preparedQuery("SELECT i.id, i.tenant_id, i.status, i.fingerprint, i.number FROM invoice i WHERE i.site_id = $1 "
        + "AND i.period_from = $2 AND i.period_to = $3 AND " + CURRENT)
      .execute(Tuple.of(siteId, period.from(), period.to()))
      .map(rows -> {
        Map<UUID, Current> out = new HashMap<>();
        for (Row r : rows) {
          out.put(r.getUUID("tenant_id"), new Current(r.getUUID("id"), r.getString("status"), r.getString("fingerprint"),
            r.getString("number")));
        }
        return out;
      });
  }

  /** Peaks of the tenants' current invoices of earlier periods within {@code months}, for ratchets. */
  static Future<Map<UUID, Map<String, List<PeakDemand>>>> demandHistory(SqlClient db, UUID siteId, UUID tenantOrNull,
                                                                        LocalDate before, int months) {
    if (months == 0) {
      return Future.succeededFuture(Map.of());
    }
    return db.preparedQuery("SELECT i.tenant_id, i.usage FROM invoice i WHERE i.site_id = $1 AND ($2::uuid IS NULL OR "
        + "i.tenant_id = $2) AND i.period_to <= $3 AND i.period_from >= $4 AND " + CURRENT)
      .execute(Tuple.of(siteId, tenantOrNull, before, before.minusMonths(months)))
      .map(rows -> {
        Map<UUID, Map<String, List<PeakDemand>>> out = new HashMap<>();
        for (Row r : rows) {
          JsonArray usage = (JsonArray) r.getJson("usage");
          for (Object u : usage) {
            JsonObject utility = (JsonObject) u;
            List<PeakDemand> list = out.computeIfAbsent(r.getUUID("tenant_id"), k -> new HashMap<>())
              .computeIfAbsent(utility.getString("utility"), k -> new ArrayList<>());
            for (Object p : utility.getJsonArray("peaks", new JsonArray())) {
              JsonObject peak = (JsonObject) p;
              list.add(new PeakDemand(YearMonth.parse(peak.getString("month")), peak.getString("touPeriod"),
                new BigDecimal(peak.getString("kw"))));
            }
          }
        }
        return out;
      });
  }

  static final String DOCUMENT_COLUMNS = "id, kind, site_id, tenant_id, number, issued_at, period_from, period_to, "
    + "due_date, currency, net_by_utility, tax_minor, total_minor, credits_invoice_id";

  /** The ledger's view of an issued row (selected with {@link #DOCUMENT_COLUMNS}). */
  static IssuedDocument document(Row r) {
    Map<String, Long> net = new java.util.TreeMap<>();
    JsonObject json = r.getJsonObject("net_by_utility");
    for (String key : json.fieldNames()) {
      net.put(key, json.getLong(key));
    }
    return new IssuedDocument(r.getUUID("id"), r.getString("kind"), r.getUUID("site_id"), r.getUUID("tenant_id"),
      r.getString("number"), r.getOffsetDateTime("issued_at").toInstant(), r.getLocalDate("period_from"),
      r.getLocalDate("period_to"), r.getLocalDate("due_date"), r.getString("currency"), Map.copyOf(net),
      r.getLong("tax_minor"), r.getLong("total_minor"), r.getUUID("credits_invoice_id"));
  }
}
