package io.gridledger.ledger;

import io.gridledger.api.Requests;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An account as read from the ledger. {@code balanceMinor} is in the account's normal sense (a wallet's balance is
 * what the tenant has left; a receivable's what the tenant owes).
 */
public record LedgerAccount(UUID id, UUID siteId, UUID tenantId, AccountKind kind, String qualifier, String currency,
                            long balanceMinor, long creditLimitMinor, long lowBalanceMinor, OffsetDateTime createdAt) {

  /** Columns {@link #from(Row)} reads, for SELECTs over {@code ledger_account a}. */
  public static final String COLUMNS = "a.id, a.site_id, a.tenant_id, a.kind, a.qualifier, a.currency, a.balance_minor, "
    + "a.credit_limit_minor, a.low_balance_minor, a.created_at";

  public static LedgerAccount from(Row row) {
    return new LedgerAccount(row.getUUID("id"), row.getUUID("site_id"), row.getUUID("tenant_id"),
      AccountKind.fromWire(row.getString("kind")), row.getString("qualifier"), row.getString("currency"),
      row.getLong("balance_minor"), row.getLong("credit_limit_minor"), row.getLong("low_balance_minor"),
      row.getOffsetDateTime("created_at"));
  }

  /** What a wallet may still spend (balance plus credit limit); null for accounts without a limit. */
  public Long availableMinor() {
    return kind.limited() ? balanceMinor + creditLimitMinor : null;
  }

  /** exhausted: a wallet with nothing left to spend; low: below its low-balance mark; otherwise active. */
  public String status() {
    return status(kind, balanceMinor, creditLimitMinor, lowBalanceMinor);
  }

  static String status(AccountKind kind, long balanceMinor, long creditLimitMinor, long lowBalanceMinor) {
    if (!kind.limited()) {
      return "active";
    }
    if (balanceMinor + creditLimitMinor <= 0) {
      return "exhausted";
    }
    return balanceMinor < lowBalanceMinor ? "low" : "active";
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("id", id.toString())
      .put("siteId", siteId.toString())
      .put("tenantId", tenantId == null ? null : tenantId.toString())
      .put("kind", kind.wireName())
      .put("qualifier", qualifier.isEmpty() ? null : qualifier)
      .put("currency", currency)
      .put("balanceMinor", balanceMinor)
      .put("creditLimitMinor", creditLimitMinor)
      .put("availableMinor", availableMinor())
      .put("lowBalanceMinor", kind.limited() ? lowBalanceMinor : null)
      .put("status", status())
      .put("createdAt", Requests.timestamp(createdAt));
  }
}
