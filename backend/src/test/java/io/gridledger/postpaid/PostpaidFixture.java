package io.gridledger.postpaid;

import io.gridledger.testsupport.ContractHttp;
import io.gridledger.testsupport.TestBackend;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Helpers shared by the postpaid tests: tenants, documents posted as billing would, payments over HTTP. */
final class PostpaidFixture {

  final TestBackend backend;
  final ContractHttp http;
  final Receivables receivables;
  final String admin;

  PostpaidFixture(TestBackend backend) {
    this.backend = backend;
    this.http = ContractHttp.of(backend);
    this.receivables = new PostgresReceivables(backend.app().ledger());
    this.admin = backend.login(TestBackend.ADMIN);
  }

  UUID tenant(UUID siteId, String mode) {
    UUID id = UUID.randomUUID();
    backend.rows("INSERT INTO tenant (id, site_id, legal_name, billing_mode) VALUES ('" + id + "', '" + siteId
      + "', 'Tenant " + id + "', '" + mode + "')");
    return id;
  }

  static IssuedDocument invoice(UUID site, UUID tenant, String number, String issuedOn, String dueDate,
                                Map<String, Long> net, long tax) {
    long total = tax + net.values().stream().mapToLong(Long::longValue).sum();
    LocalDate issued = LocalDate.parse(issuedOn);
    return new IssuedDocument(UUID.randomUUID(), IssuedDocument.INVOICE, site, tenant, number,
      Instant.parse(issuedOn + "T10:00:00Z"), issued.withDayOfMonth(1).minusMonths(1), issued.withDayOfMonth(1),
      LocalDate.parse(dueDate), "EUR", net, tax, total, null);
  }

  static IssuedDocument creditNote(IssuedDocument corrected, String number, String issuedOn, Map<String, Long> net,
                                   long tax) {
    long total = tax + net.values().stream().mapToLong(Long::longValue).sum();
    return new IssuedDocument(UUID.randomUUID(), IssuedDocument.CREDIT_NOTE, corrected.siteId(), corrected.tenantId(),
      number, Instant.parse(issuedOn + "T10:00:00Z"), corrected.periodFrom(), corrected.periodTo(), null, "EUR", net,
      tax, total, corrected.documentId());
  }

  void post(IssuedDocument d) {
    backend.pool().withTransaction(tx -> receivables.postIssued(tx, d)).await();
  }

  ContractHttp.Response pay(UUID tenant, String key, JsonObject body) {
    return http.call("createTenantPayment", "POST", "/tenants/" + tenant + "/payments", admin, body.encode(),
      "application/json", Map.of("Idempotency-Key", key));
  }

  JsonObject paid(UUID tenant, long amount, String receivedOn) {
    JsonObject body = new JsonObject().put("amountMinor", amount).put("method", "bank_transfer");
    if (receivedOn != null) {
      body.put("receivedOn", receivedOn);
    }
    ContractHttp.Response r = pay(tenant, UUID.randomUUID().toString(), body);
    assertEquals(201, r.status(), r.text());
    return r.json();
  }

  ContractHttp.Response refund(String paymentId, String key, long amount) {
    return http.call("createPaymentRefund", "POST", "/payments/" + paymentId + "/refunds", admin,
      new JsonObject().put("amountMinor", amount).put("reason", "Paid twice").encode(), "application/json",
      Map.of("Idempotency-Key", key));
  }

  long open(IssuedDocument d) {
    return backend.rows("SELECT open_minor FROM receivable_document WHERE id = '" + d.documentId() + "'")
      .getJsonObject(0).getLong("open_minor");
  }

  /** Balance of a tenant account (kind tenant_receivable or tenant_wallet), 0 when not opened. */
  long balance(UUID tenant, String kind) {
    var rows = backend.rows("SELECT balance_minor FROM ledger_account WHERE tenant_id = '" + tenant + "' AND kind = '"
      + kind + "'");
    return rows.isEmpty() ? 0 : rows.getJsonObject(0).getLong("balance_minor");
  }

  long siteBalance(UUID site, String kind, String qualifier) {
    var rows = backend.rows("SELECT balance_minor FROM ledger_account WHERE site_id = '" + site + "' AND kind = '"
      + kind + "' AND qualifier = '" + qualifier + "' AND tenant_id IS NULL");
    return rows.isEmpty() ? 0 : rows.getJsonObject(0).getLong("balance_minor");
  }

  /** receivable = open invoices - unapplied credit, the invariant allocations keep. */
  void assertReceivableInvariant(UUID tenant) {
    JsonObject r = backend.rows("SELECT coalesce((SELECT sum(open_minor) FROM receivable_document WHERE tenant_id = '"
      + tenant + "' AND kind = 'invoice'), 0) - coalesce((SELECT sum(unallocated_minor) FROM tenant_payment WHERE "
      + "tenant_id = '" + tenant + "' AND state = 'recorded'), 0) - coalesce((SELECT sum(unallocated_minor) FROM "
      + "receivable_document WHERE tenant_id = '" + tenant + "' AND kind = 'credit_note'), 0) AS expected")
      .getJsonObject(0);
    assertEquals(r.getLong("expected"), balance(tenant, "tenant_receivable"), "receivable of " + tenant);
  }
}
