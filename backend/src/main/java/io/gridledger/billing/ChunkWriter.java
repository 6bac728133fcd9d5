package io.gridledger.billing;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Stores one chunk's ratings against what the period already holds: new tenants get drafts (one batched
 * transaction), changed drafts are re-rated in place, changed issued invoices get a credit note and a rebill, and an
 * unchanged fingerprint changes nothing. The unique indexes of V14 are the last word on duplicates.
 */
final class ChunkWriter {

  private ChunkWriter() {
  }

  interface Failure {
    void fail(UUID tenantId, String tenantName, String reason);
  }

  static Future<Void> store(Pool pool, Issuing issuing, UUID runId, BillingStore.SiteFacts site, BillingPeriod period,
                            Map<UUID, BillingStore.TenantFacts> tenants, Map<UUID, BillingStore.Current> current,
                            List<BillRunner.Outcome> outcomes, Consumer<String> counted, Failure failed) {
    List<InvoiceWriter.Draft> drafts = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (BillRunner.Outcome o : outcomes) {
      BillingStore.TenantFacts tenant = tenants.get(o.tenantId());
      String name = tenant == null ? null : tenant.legalName();
      if (o.failure() != null) {
        failed.fail(o.tenantId(), name, o.failure());
        continue;
      }
      BillingStore.Current cur = current.get(o.tenantId());
      if (cur == null) {
        drafts.add(new InvoiceWriter.Draft(UUID.randomUUID(), site.id(), runId, tenant.billingMode(), period,
          site.currency(), o.rated(), null));
        continue;
      }
      if (cur.fingerprint().equals(o.rated().fingerprint())) {
        counted.accept("unchanged");
        continue;
      }
      switch (cur.status()) {
        case "draft" -> chain = chain.compose(v -> pool.withTransaction(tx ->
            InvoiceWriter.replaceDraft(tx, cur.id(), runId, o.rated()))
          .map(replaced -> {
            if (replaced) {
              counted.accept("updated");
            } else {
              failed.fail(o.tenantId(), name, "the draft was finalized while the run rated it; issue it, then run again");
            }
            return (Void) null;
          })
          .recover(e -> {
            failed.fail(o.tenantId(), name, "draft not re-rated: " + e.getMessage());
            return Future.succeededFuture();
          }));
        case "finalized" -> failed.fail(o.tenantId(), name, "invoice " + cur.number() + " is finalized but not issued "
          + "and its data changed: issue it, then run the period again to correct it");
        default -> chain = chain.compose(v -> issuing.correct(site, cur.id(), o.rated(), tenant.billingMode(), period, runId)
          .map(c -> {
            counted.accept("corrected");
            return (Void) null;
          })
          .recover(e -> {
            failed.fail(o.tenantId(), name, "correction of " + cur.number() + " failed: " + e.getMessage());
            return Future.succeededFuture();
          }));
      }
    }
    if (drafts.isEmpty()) {
      return chain;
    }
    return chain.compose(v -> pool.withTransaction(tx -> InvoiceWriter.insertDrafts(tx, drafts))
      .map(ok -> {
        drafts.forEach(d -> counted.accept("created"));
        return (Void) null;
      })
      .recover(e -> {
        for (InvoiceWriter.Draft d : drafts) {
          BillingStore.TenantFacts t = tenants.get(d.rated().tenantId());
          failed.fail(d.rated().tenantId(), t == null ? null : t.legalName(), "draft not stored: " + e.getMessage());
        }
        return Future.succeededFuture();
      }));
  }
}
