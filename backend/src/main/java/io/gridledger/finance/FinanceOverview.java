package io.gridledger.finance;

import io.gridledger.postpaid.Aging;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A site's money for site-local days [from, to): what was billed (issued invoices minus credit notes, by utility),
 * collected (payments received minus refunds), what is outstanding now with its aging as of the last day, prepaid
 * liabilities (the sum of wallet balances: money the site owes its prepaid tenants), top-ups, the collection rate
 * (collected / billed to postpaid tenants) and the tenants in arrears or cut off.
 */
final class FinanceOverview {

  private static final String DOCUMENTS = "SELECT kind, billing_mode, net_by_utility, tax_minor, total_minor "
    + "FROM receivable_document WHERE site_id = $1 AND issued_on >= $2 AND issued_on < $3";
  private static final String COLLECTED = "SELECT coalesce((SELECT sum(amount_minor) FROM tenant_payment WHERE site_id = $1 "
    + "AND state = 'recorded' AND received_on >= $2 AND received_on < $3), 0)::bigint AS paid, "
    + "coalesce((SELECT sum(amount_minor) FROM payment_refund WHERE site_id = $1 AND refunded_on >= $2 "
    + "AND refunded_on < $3), 0)::bigint AS refunded";
  private static final String OPEN = "SELECT tenant_id, due_date, open_minor FROM receivable_document "
    + "WHERE site_id = $1 AND kind = 'invoice' AND open_minor > 0 AND issued_on < $2";
  private static final String CREDIT = "SELECT coalesce((SELECT sum(unallocated_minor) FROM tenant_payment WHERE site_id = $1 "
    + "AND state = 'recorded'), 0)::bigint + coalesce((SELECT sum(unallocated_minor) FROM receivable_document "
    + "WHERE site_id = $1 AND kind = 'credit_note'), 0)::bigint AS credit";
  private static final String WALLETS = "SELECT count(*) AS wallets, coalesce(sum(a.balance_minor), 0)::bigint AS total "
    + "FROM ledger_account a JOIN site s ON s.id = a.site_id AND s.currency = a.currency "
    + "WHERE a.site_id = $1 AND a.kind = 'tenant_wallet'";
  private static final String TOP_UPS = "SELECT count(*) AS n, coalesce(sum(amount_minor), 0)::bigint AS total FROM top_up "
    + "WHERE site_id = $1 AND state = 'succeeded' AND completed_at >= $2 AND completed_at < $3";
  private static final String CUT_OFF = "SELECT DISTINCT tenant_id FROM prepaid_cutoff WHERE site_id = $1 "
    + "AND outcome = 'opened' ORDER BY tenant_id";

  private final Pool pool;

  FinanceOverview(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> of(UUID siteId, String currency, ZoneId zone, LocalDate from, LocalDate to) {
    LocalDate asOf = to.minusDays(1);
    OffsetDateTime fromTime = from.atStartOfDay(zone).toOffsetDateTime();
    OffsetDateTime toTime = to.atStartOfDay(zone).toOffsetDateTime();
    JsonObject out = new JsonObject().put("siteId", siteId.toString()).put("currency", currency)
      .put("from", from.toString()).put("to", to.toString());
    Tuple period = Tuple.of(siteId, from, to);
    return pool.preparedQuery(DOCUMENTS).execute(period).compose(docs -> {
      TreeMap<String, Long> revenue = new TreeMap<>();
      long tax = 0;
      long total = 0;
      long postpaidTotal = 0;
      int invoices = 0;
      int creditNotes = 0;
      for (Row r : docs) {
        int sign = "invoice".equals(r.getString("kind")) ? 1 : -1;
        if (sign > 0) {
          invoices++;
        } else {
          creditNotes++;
        }
        JsonObject net = (JsonObject) r.getJson("net_by_utility");
        for (String utility : net.fieldNames()) {
          revenue.merge(utility, sign * net.getLong(utility), Long::sum);
        }
        tax += sign * r.getLong("tax_minor");
        total += sign * r.getLong("total_minor");
        if ("postpaid".equals(r.getString("billing_mode"))) {
          postpaidTotal += sign * r.getLong("total_minor");
        }
      }
      JsonObject byUtility = new JsonObject();
      revenue.forEach(byUtility::put);
      out.put("billed", new JsonObject().put("revenueByUtilityMinor", byUtility).put("taxMinor", tax)
        .put("totalMinor", total).put("postpaidTotalMinor", postpaidTotal).put("invoices", invoices)
        .put("creditNotes", creditNotes));
      long billedPostpaid = postpaidTotal;
      return pool.preparedQuery(COLLECTED).execute(period).map(rows -> {
        Row r = rows.iterator().next();
        long collected = r.getLong("paid") - r.getLong("refunded");
        out.put("collected", new JsonObject().put("paymentsMinor", r.getLong("paid"))
          .put("refundsMinor", r.getLong("refunded")).put("netMinor", collected));
        out.put("collectionRate", billedPostpaid <= 0 ? null : BigDecimal.valueOf(collected)
          .divide(BigDecimal.valueOf(billedPostpaid), 4, RoundingMode.HALF_UP).doubleValue());
        return null;
      });
    }).compose(v -> pool.preparedQuery(OPEN).execute(Tuple.of(siteId, to))).compose(open -> {
      Aging aging = new Aging();
      Set<String> inArrears = new TreeSet<>();
      for (Row r : open) {
        aging.add(r.getLocalDate("due_date"), asOf, r.getLong("open_minor"));
        if (r.getLocalDate("due_date").isBefore(asOf)) {
          inArrears.add(r.getUUID("tenant_id").toString());
        }
      }
      out.put("outstanding", new JsonObject().put("receivablesMinor", aging.totalMinor())
        .put("aging", aging.toJson().put("asOf", asOf.toString())));
      out.put("tenantsInArrears", new JsonObject().put("count", inArrears.size()).put("tenantIds", new JsonArray(
        new java.util.ArrayList<>(inArrears))));
      return pool.preparedQuery(CREDIT).execute(Tuple.of(siteId));
    }).compose(credit -> {
      out.getJsonObject("outstanding").put("tenantCreditMinor", credit.iterator().next().getLong("credit"));
      return pool.preparedQuery(WALLETS).execute(Tuple.of(siteId));
    }).compose(wallets -> {
      Row w = wallets.iterator().next();
      out.put("prepaidLiabilities", new JsonObject().put("walletsMinor", w.getLong("total"))
        .put("wallets", w.getLong("wallets")));
      return pool.preparedQuery(TOP_UPS).execute(Tuple.of(siteId, fromTime, toTime));
    }).compose(topUps -> {
      Row t = topUps.iterator().next();
      out.put("topUps", new JsonObject().put("count", t.getLong("n")).put("totalMinor", t.getLong("total")));
      return pool.preparedQuery(CUT_OFF).execute(Tuple.of(siteId));
    }).map(cut -> {
      JsonArray ids = new JsonArray();
      cut.forEach(r -> ids.add(r.getUUID("tenant_id").toString()));
      return out.put("tenantsCutOff", new JsonObject().put("count", ids.size()).put("tenantIds", ids));
    });
  }
}
