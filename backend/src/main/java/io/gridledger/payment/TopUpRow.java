package io.gridledger.payment;

import io.gridledger.api.Requests;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A top_up row and its API representation. */
record TopUpRow(UUID id, UUID siteId, UUID tenantId, UUID accountId, UUID clearingAccountId, String provider,
                long amountMinor, String currency, String state, String checkoutId, String checkoutUrl,
                String paymentId, UUID transferId, String reference, String createdBy, OffsetDateTime createdAt,
                OffsetDateTime completedAt, String requestHash, String response) {

  static TopUpRow from(Row row) {
    return new TopUpRow(row.getUUID("id"), row.getUUID("site_id"), row.getUUID("tenant_id"), row.getUUID("account_id"),
      row.getUUID("clearing_account_id"), row.getString("provider"), row.getLong("amount_minor"),
      row.getString("currency"), row.getString("state"), row.getString("checkout_id"), row.getString("checkout_url"),
      row.getString("payment_id"), row.getUUID("transfer_id"), row.getString("reference"), row.getString("created_by"),
      row.getOffsetDateTime("created_at"), row.getOffsetDateTime("completed_at"), row.getString("request_hash"),
      row.getString("response"));
  }

  TopUpRow settled(UUID creditTransferId) {
    return new TopUpRow(id, siteId, tenantId, accountId, clearingAccountId, provider, amountMinor, currency, "succeeded",
      checkoutId, checkoutUrl, paymentId, creditTransferId, reference, createdBy, createdAt, createdAt, requestHash,
      response);
  }

  TopUpRow withCheckout(String newCheckoutId, String newCheckoutUrl) {
    return new TopUpRow(id, siteId, tenantId, accountId, clearingAccountId, provider, amountMinor, currency, state,
      newCheckoutId, newCheckoutUrl, paymentId, transferId, reference, createdBy, createdAt, completedAt, requestHash,
      response);
  }

  /** The one credit of this top-up: its id is derived from the top-up, so posting it twice is a replay. */
  io.gridledger.ledger.Transfer credit(String postedBy) {
    UUID transferId = UUID.nameUUIDFromBytes(("top-up|" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new io.gridledger.ledger.Transfer(transferId, siteId, currency, "top_up",
      java.util.List.of(io.gridledger.ledger.Transfer.Leg.debit(clearingAccountId, amountMinor),
        io.gridledger.ledger.Transfer.Leg.credit(accountId, amountMinor)),
      null, "Top-up via " + provider, new JsonObject().put("topUpId", id.toString()).put("provider", provider), postedBy);
  }

  JsonObject toJson() {
    return new JsonObject()
      .put("id", id.toString())
      .put("accountId", accountId.toString())
      .put("siteId", siteId.toString())
      .put("tenantId", tenantId.toString())
      .put("provider", provider)
      .put("amountMinor", amountMinor)
      .put("currency", currency)
      .put("state", state)
      .put("checkoutUrl", checkoutUrl)
      .put("providerCheckoutId", checkoutId)
      .put("providerPaymentId", paymentId)
      .put("transferId", transferId == null ? null : transferId.toString())
      .put("reference", reference)
      .put("createdBy", createdBy)
      .put("createdAt", Requests.timestamp(createdAt))
      .put("completedAt", Requests.timestamp(completedAt));
  }
}
