package io.gridledger.postpaid;

import io.gridledger.api.Problem;
import io.gridledger.ledger.CanonicalJson;
import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.Transfer;
import io.gridledger.ledger.TransferResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Posts issued invoices and credit notes to the ledger, in billing's transaction. Postpaid: an invoice debits the
 * tenant's receivable and credits revenue per utility and tax payable; a credit note does the reverse, reduces the
 * invoice it corrects, and any excess becomes tenant credit; unapplied credit is then applied to open invoices.
 * Prepaid: {@link PrepaidReconciliation}. Idempotent on the document id: the ledger transfer id derives from it and
 * a replay with the same content changes nothing (other content under the same id fails).
 */
public final class PostgresReceivables implements Receivables {

  static final Set<String> UTILITIES = Set.of("electricity", "water", "gas", "heat", "cooling");
  private static final String TENANT = "SELECT t.billing_mode, s.time_zone, s.currency FROM tenant t "
    + "JOIN site s ON s.id = t.site_id WHERE t.id = $1 AND t.site_id = $2";
  private static final String INSERT = "INSERT INTO receivable_document (id, kind, site_id, tenant_id, billing_mode, "
    + "number, issued_at, issued_on, period_from, period_to, due_date, currency, net_by_utility, tax_minor, total_minor, "
    + "corrects_document_id, content_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
    + "$16, $17) ON CONFLICT (id) DO NOTHING RETURNING id";

  private final LedgerService ledger;

  public PostgresReceivables(LedgerService ledger) {
    this.ledger = ledger;
  }

  @Override
  public Future<Void> postIssued(SqlConnection tx, IssuedDocument d) {
    String problem = problem(d);
    if (problem != null) {
      return Future.failedFuture(new IllegalArgumentException("document " + d.documentId() + ": " + problem));
    }
    return tx.preparedQuery(TENANT).execute(Tuple.of(d.tenantId(), d.siteId())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(Problem.notFound("tenant"));
      }
      Row r = rows.iterator().next();
      if (!r.getString("currency").equals(d.currency())) {
        return Future.failedFuture(new IllegalArgumentException("document " + d.documentId() + " is in " + d.currency()
          + ", the site's ledger in " + r.getString("currency")));
      }
      String mode = r.getString("billing_mode");
      ZoneId zone = ZoneId.of(r.getString("time_zone"));
      // Accounts are read (and opened if missing) before the tenant's lock is taken: never ask the pool for another
      // connection while holding a lock others wait for with their connections.
      boolean prepaid = "prepaid".equals(mode);
      return (prepaid ? PrepaidReconciliation.chargedUtilities(tx, d, zone) : Future.succeededFuture(Set.<String>of()))
        .compose(charged -> {
          Set<String> utilities = new java.util.HashSet<>(d.netByUtility().keySet());
          utilities.addAll(charged);
          return SiteAccounts.openWithin(tx, ledger, d.siteId(), d.tenantId(), utilities);
        })
        .compose(accounts -> Allocations.lockTenant(tx, d.tenantId())
          .compose(v -> insert(tx, d, mode, zone))
          .compose(fresh -> !fresh ? Future.succeededFuture()
            : prepaid ? new PrepaidReconciliation(ledger).post(tx, d, zone, accounts)
            : postpaid(tx, d, zone, accounts)));
    });
  }

  /** Records the document; false when the same document was posted before (a replay). */
  private Future<Boolean> insert(SqlConnection tx, IssuedDocument d, String mode, ZoneId zone) {
    String hash = contentHash(d);
    Tuple t = Tuple.from(new Object[] {d.documentId(), d.kind(), d.siteId(), d.tenantId(), mode, d.number(),
      d.issuedAt().atOffset(ZoneOffset.UTC), d.issuedAt().atZone(zone).toLocalDate(), d.periodFrom(), d.periodTo(),
      d.dueDate(), d.currency(), new JsonObject(new TreeMap<>(d.netByUtility())), d.taxMinor(), d.totalMinor(),
      d.correctsDocumentId(), hash});
    return tx.preparedQuery(INSERT).execute(t).compose(rows -> rows.size() == 1 ? Future.succeededFuture(true)
      : tx.preparedQuery("SELECT content_hash FROM receivable_document WHERE id = $1").execute(Tuple.of(d.documentId()))
        .map(existing -> {
          if (!existing.iterator().next().getString("content_hash").equals(hash)) {
            throw Problem.unprocessable("document-conflict", null, "Document " + d.documentId()
              + " was posted before with other content");
          }
          return false;
        }));
  }

  private Future<Void> postpaid(SqlConnection tx, IssuedDocument d, ZoneId zone, SiteAccounts accounts) {
    boolean invoice = IssuedDocument.INVOICE.equals(d.kind());
    Future<Void> posted = d.totalMinor() == 0 ? Future.succeededFuture()
      : Future.<Void>succeededFuture().compose(ignored -> {
        List<Transfer.Leg> legs = new ArrayList<>();
        // An invoice: the tenant owes more (debit receivable), income and tax arise (credits). A credit note mirrors it.
        legs.add(invoice ? Transfer.Leg.debit(accounts.receivable(), d.totalMinor())
          : Transfer.Leg.credit(accounts.receivable(), d.totalMinor()));
        for (Map.Entry<UUID, Long> net : byAccount(d.netByUtility(), accounts).entrySet()) {
          legs.add(invoice ? Transfer.Leg.credit(net.getKey(), net.getValue()) : Transfer.Leg.debit(net.getKey(), net.getValue()));
        }
        if (d.taxMinor() > 0) {
          legs.add(invoice ? Transfer.Leg.credit(accounts.tax(), d.taxMinor()) : Transfer.Leg.debit(accounts.tax(), d.taxMinor()));
        }
        Transfer transfer = new Transfer(transferId(d.documentId()), d.siteId(), d.currency(), d.kind(), legs, null,
          (invoice ? "Invoice " : "Credit note ") + d.number(), metadata(d, zone), "billing");
        return postOne(ledger, tx, transfer).compose(id -> tx.preparedQuery("UPDATE receivable_document SET transfer_id = $2 "
          + "WHERE id = $1").execute(Tuple.of(d.documentId(), id))).mapEmpty();
      });
    Future<Void> applied = invoice
      ? posted.compose(v -> tx.preparedQuery("UPDATE receivable_document SET open_minor = total_minor WHERE id = $1")
        .execute(Tuple.of(d.documentId()))).mapEmpty()
      : posted.compose(v -> creditNote(tx, d));
    return applied.compose(v -> Allocations.applyCredit(tx, d.tenantId())).mapEmpty();
  }

  /** A credit note first reduces the invoice it corrects; the rest is tenant credit. */
  private Future<Void> creditNote(SqlConnection tx, IssuedDocument d) {
    Future<Void> credit = tx.preparedQuery("UPDATE receivable_document SET unallocated_minor = total_minor WHERE id = $1")
      .execute(Tuple.of(d.documentId())).mapEmpty();
    if (d.correctsDocumentId() == null) {
      return credit;
    }
    return credit.compose(v -> tx.preparedQuery("SELECT open_minor FROM receivable_document WHERE id = $1 "
        + "AND tenant_id = $2 AND kind = 'invoice'").execute(Tuple.of(d.correctsDocumentId(), d.tenantId())))
      .compose(rows -> {
        long open = rows.size() == 0 ? 0 : rows.iterator().next().getLong("open_minor");
        long take = Math.min(open, d.totalMinor());
        return take == 0 ? Future.succeededFuture() : Allocations.write(tx, d.tenantId(),
          List.of(new Allocations.Allocation(d.correctsDocumentId(), null, d.documentId(), take)));
      });
  }

  static Future<UUID> postOne(LedgerService ledger, SqlConnection tx, Transfer transfer) {
    return ledger.postWithin(tx, List.of(transfer)).map(posting -> {
      TransferResult result = posting.results().get(0);
      if (!result.succeeded()) {
        throw new IllegalStateException("ledger refused " + transfer.kind() + " " + transfer.id() + ": "
          + result.status() + " " + result.detail());
      }
      return result.transferId();
    });
  }

  /** Net amounts keyed by revenue account (utilities outside the ledger's list go to revenue:other). */
  static Map<UUID, Long> byAccount(Map<String, Long> netByUtility, SiteAccounts accounts) {
    Map<UUID, Long> out = new java.util.LinkedHashMap<>();
    new TreeMap<>(netByUtility).forEach((utility, amount) -> {
      if (amount != null && amount != 0) {
        out.merge(accounts.revenue(utility), amount, Long::sum);
      }
    });
    return out;
  }

  static String revenueQualifier(String utility) {
    return UTILITIES.contains(utility) ? utility : "other";
  }

  static UUID transferId(UUID documentId) {
    return UUID.nameUUIDFromBytes(("gridledger-receivable|" + documentId).getBytes(StandardCharsets.UTF_8));
  }

  /** businessDate is the site-local issue day: statements date the document by it, not by when it was posted. */
  static JsonObject metadata(IssuedDocument d, ZoneId zone) {
    return new JsonObject().put("documentId", d.documentId().toString()).put("number", d.number())
      .put("documentKind", d.kind()).put("businessDate", d.issuedAt().atZone(zone).toLocalDate().toString());
  }

  static String contentHash(IssuedDocument d) {
    return CanonicalJson.sha256Hex(CanonicalJson.of(new JsonObject().put("kind", d.kind())
      .put("siteId", d.siteId().toString()).put("tenantId", d.tenantId().toString()).put("number", d.number())
      .put("issuedAt", d.issuedAt().toString()).put("periodFrom", d.periodFrom().toString())
      .put("periodTo", d.periodTo().toString()).put("dueDate", String.valueOf(d.dueDate()))
      .put("currency", d.currency()).put("net", new JsonObject(new TreeMap<>(d.netByUtility())))
      .put("tax", d.taxMinor()).put("total", d.totalMinor())
      .put("corrects", String.valueOf(d.correctsDocumentId()))));
  }

  static String problem(IssuedDocument d) {
    if (d.documentId() == null || d.siteId() == null || d.tenantId() == null || d.number() == null
      || d.issuedAt() == null || d.periodFrom() == null || d.periodTo() == null || d.currency() == null
      || d.netByUtility() == null) {
      return "id, site, tenant, number, issue time, period, currency and net amounts are required";
    }
    if (!IssuedDocument.INVOICE.equals(d.kind()) && !IssuedDocument.CREDIT_NOTE.equals(d.kind())) {
      return "kind must be invoice or credit_note";
    }
    if (IssuedDocument.INVOICE.equals(d.kind()) && d.dueDate() == null) {
      return "an invoice needs a due date";
    }
    long net = 0;
    for (Long amount : d.netByUtility().values()) {
      if (amount == null || amount < 0) {
        return "net amounts are not negative";
      }
      net += amount;
    }
    if (d.taxMinor() < 0 || net + d.taxMinor() != d.totalMinor()) {
      return "total " + d.totalMinor() + " is not net " + net + " plus tax " + d.taxMinor();
    }
    return null;
  }
}
