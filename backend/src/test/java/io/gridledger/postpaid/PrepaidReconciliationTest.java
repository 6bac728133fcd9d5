package io.gridledger.postpaid;

import io.gridledger.ledger.AccountKind;
import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.Transfer;
import io.gridledger.testsupport.TestBackend;
import io.gridledger.testsupport.TwoSites;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

@DisplayName("Prepaid: the bill run's invoice reconciles the wallet's interval deductions with the final amount")
class PrepaidReconciliationTest {

  private static TestBackend backend;
  private static PostpaidFixture f;
  private static LedgerService ledger;
  private static UUID site;

  @BeforeAll
  static void start() {
    backend = TestBackend.start(new JsonObject().put("prepaid", new JsonObject().put("enabled", false)));
    site = TwoSites.create(backend).a.get("site");
    f = new PostpaidFixture(backend);
    ledger = backend.app().ledger();
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  @DisplayName("the difference per utility and tax moves between wallet and revenue; unpaid intervals are settled")
  void reconcilesDifference() {
    UUID tenant = f.tenant(site, "prepaid");
    LedgerService.TenantAccounts accounts = ledger.openTenantAccounts(site, tenant).await();
    UUID wallet = accounts.wallet().id();
    UUID cash = ledger.openSiteAccount(site, AccountKind.CASH_CLEARING, "").await().id();
    UUID electricity = ledger.openSiteAccount(site, AccountKind.REVENUE, "electricity").await().id();
    UUID tax = ledger.openSiteAccount(site, AccountKind.TAX_PAYABLE, "").await().id();
    ledger.post(Transfer.of(UUID.randomUUID(), site, "EUR", "top_up", cash, wallet, 10_000, "cash", "t")).await();
    // March's deductions as the charger would have posted them: 30.00 energy + 6.00 VAT.
    ledger.post(new Transfer(UUID.randomUUID(), site, "EUR", "prepaid_consumption", List.of(Transfer.Leg.debit(wallet, 3_600),
      Transfer.Leg.credit(electricity, 3_000), Transfer.Leg.credit(tax, 600)), null, "deductions", null, "t")).await();
    charge(tenant, "2026-03-02T10:00:00Z", 1_800, 300, 1_800, 300);
    charge(tenant, "2026-03-20T10:00:00Z", 1_200, 300, 1_200, 300);
    charge(tenant, "2026-03-31T21:45:00Z", 500, 95, 0, 0);   // refused (unpaid): part of the bill now
    charge(tenant, "2026-03-31T22:00:00Z", 999, 0, 999, 0);  // 1 April 00:00 in Berlin: next period
    long revenue = f.siteBalance(site, "revenue", "electricity");
    long taxBefore = f.siteBalance(site, "tax_payable", "");
    // The bill: 35.00 energy + 2.00 standing charge = 37.00 net, 7.03 VAT, 44.03 in all; 36.00 was deducted.
    IssuedDocument bill = prepaid(tenant, "PP-1", IssuedDocument.INVOICE, Map.of("electricity", 3_700L), 703, null);
    f.post(bill);
    assertEquals(10_000 - 3_600 - 803, f.balance(tenant, "tenant_wallet"), "the wallet paid exactly the bill: 44.03");
    assertEquals(revenue + 700, f.siteBalance(site, "revenue", "electricity"));
    assertEquals(taxBefore + 103, f.siteBalance(site, "tax_payable", ""));
    assertEquals(0, f.balance(tenant, "tenant_receivable"));
    JsonObject doc = backend.rows("SELECT open_minor, reconciled_minor FROM receivable_document WHERE id = '"
      + bill.documentId() + "'").getJsonObject(0);
    assertEquals(0, doc.getLong("open_minor"));
    assertEquals(803, doc.getLong("reconciled_minor"));
    assertEquals(0, backend.rows("SELECT count(*) AS n FROM prepaid_charge WHERE tenant_id = '" + tenant + "' AND "
      + "amount_energy_minor <> charged_energy_minor").getJsonObject(0).getLong("n"), "the unpaid interval is settled");
    f.post(bill);
    assertEquals(5_597, f.balance(tenant, "tenant_wallet"), "a replay moves nothing");
    // A credit note of 1.00 + 0.19 gives the wallet 1.19 back.
    f.post(prepaid(tenant, "PP-CN-1", IssuedDocument.CREDIT_NOTE, Map.of("electricity", 100L), 19, bill.documentId()));
    assertEquals(5_716, f.balance(tenant, "tenant_wallet"));
  }

  @Test
  @DisplayName("a wallet that cannot cover the difference pays what it has; the rest is an open receivable")
  void shortfallToReceivable() {
    UUID tenant = f.tenant(site, "prepaid");
    UUID wallet = ledger.openTenantAccounts(site, tenant).await().wallet().id();
    UUID cash = ledger.openSiteAccount(site, AccountKind.CASH_CLEARING, "").await().id();
    ledger.post(Transfer.of(UUID.randomUUID(), site, "EUR", "top_up", cash, wallet, 500, "cash", "t")).await();
    // Nothing deducted; the bill is 10.00 + 1.90: the wallet pays its 5.00, 6.90 stays open.
    IssuedDocument bill = prepaid(tenant, "PP-2", IssuedDocument.INVOICE, Map.of("electricity", 1_000L), 190, null);
    f.post(bill);
    assertEquals(0, f.balance(tenant, "tenant_wallet"));
    assertEquals(690, f.balance(tenant, "tenant_receivable"));
    assertEquals(690, f.open(bill));
    f.assertReceivableInvariant(tenant);
  }

  private static IssuedDocument prepaid(UUID tenant, String number, String kind, Map<String, Long> net, long tax,
                                        UUID corrects) {
    long total = tax + net.values().stream().mapToLong(Long::longValue).sum();
    return new IssuedDocument(UUID.randomUUID(), kind, site, tenant, number, Instant.parse("2026-04-02T08:00:00Z"),
      LocalDate.parse("2026-03-01"), LocalDate.parse("2026-04-01"),
      IssuedDocument.INVOICE.equals(kind) ? LocalDate.parse("2026-04-16") : null, "EUR", net, tax, total, corrects);
  }

  private static void charge(UUID tenant, String start, long energy, long tax, long chargedEnergy, long chargedTax) {
    backend.rows("INSERT INTO prepaid_charge (meter_id, register, interval_start, site_id, tenant_id, utility, quantity, "
      + "amount_energy_minor, amount_tax_minor, charged_energy_minor, charged_tax_minor) VALUES (gen_random_uuid(), "
      + "'energy_active_import', '" + start + "', '" + site + "', '" + tenant + "', 'electricity', 1, " + energy + ", "
      + tax + ", " + chargedEnergy + ", " + chargedTax + ")");
  }
}
