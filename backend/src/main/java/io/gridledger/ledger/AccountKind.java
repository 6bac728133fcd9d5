package io.gridledger.ledger;

import java.util.Locale;
import java.util.Set;

/**
 * What a ledger account is for, with its normal side (the side that increases its balance) and whether a credit
 * limit is enforced on it. Tenant kinds belong to one tenant; the others are the site's, one per qualifier.
 */
public enum AccountKind {
  /** Prepaid money the site owes the tenant (a liability): top-ups credit it, consumption debits it. */
  TENANT_WALLET(Side.CREDIT, true, true, Set.of("")),
  /** What the tenant owes the site (an asset): postpaid invoices debit it, payments credit it. */
  TENANT_RECEIVABLE(Side.DEBIT, false, true, Set.of("")),
  /** Income per utility (qualifier: the utility). */
  REVENUE(Side.CREDIT, false, false, Set.of("electricity", "water", "gas", "heat", "cooling", "other")),
  /** Tax collected and owed to the tax authority. */
  TAX_PAYABLE(Side.CREDIT, false, false, Set.of("")),
  /** Cash and bank receipts an operator records, until they are reconciled with the bank. */
  CASH_CLEARING(Side.DEBIT, false, false, Set.of("")),
  /** Money a payment provider holds for the site until it pays out (qualifier: the provider). */
  PROVIDER_CLEARING(Side.DEBIT, false, false, Set.of("sandbox", "stripe")),
  /** Amounts given up (bad debt) and operator adjustments (an expense). */
  WRITE_OFF(Side.DEBIT, false, false, Set.of(""));

  private final Side normalSide;
  private final boolean limited;
  private final boolean tenantOwned;
  private final Set<String> qualifiers;

  AccountKind(Side normalSide, boolean limited, boolean tenantOwned, Set<String> qualifiers) {
    this.normalSide = normalSide;
    this.limited = limited;
    this.tenantOwned = tenantOwned;
    this.qualifiers = qualifiers;
  }

  public Side normalSide() {
    return normalSide;
  }

  /** Whether the balance may not go below minus the account's credit limit. */
  public boolean limited() {
    return limited;
  }

  public boolean tenantOwned() {
    return tenantOwned;
  }

  public boolean allowsQualifier(String qualifier) {
    return qualifiers.contains(qualifier == null ? "" : qualifier);
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AccountKind fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
