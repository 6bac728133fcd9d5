package io.gridledger.ledger;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/**
 * The accounts API: an account with its balance and status, its statement (newest first, with running balance),
 * operator adjustments, and a tenant's accounts (opened on first request).
 */
public final class AccountHandlers implements OperationBinder {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AccountHandlers.class);

  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final String ADJUSTMENT = "SELECT t.id, t.kind, t.description, t.created_by, t.posted_at, "
    + "l.side, l.amount_minor, l.balance_after_minor, a.normal_side, a.id AS account_id, "
    + "(SELECT c.account_id FROM ledger_leg c WHERE c.transfer_id = t.id AND c.account_id <> l.account_id LIMIT 1) AS counter "
    + "FROM ledger_transfer t JOIN ledger_leg l ON l.transfer_id = t.id AND l.account_id = $2 "
    + "JOIN ledger_account a ON a.id = l.account_id WHERE t.id = $1";

  private final Pool pool;
  private final LedgerService ledger;
  private final LedgerAccess access;

  public AccountHandlers(Pool pool, LedgerService ledger) {
    this.pool = pool;
    this.ledger = ledger;
    this.access = new LedgerAccess(pool);
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("getAccount").addHandler(this::get);
    routes.getRoute("listAccountTransactions").addHandler(this::transactions);
    routes.getRoute("createAdjustment").addHandler(this::adjust);
    routes.getRoute("listTenantAccounts").addHandler(this::tenantAccounts);
  }

  private void get(RoutingContext rc) {
    ok(rc, access.visibleAccount(Authenticator.principal(rc), pathId(rc, "accountId")).map(LedgerAccount::toJson));
  }

  private void transactions(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    Long before = decodeCursor(query(rc, "cursor"));
    Integer limit = queryInt(rc, "limit");
    ok(rc, access.visibleAccount(p, pathId(rc, "accountId"))
      .compose(account -> new AccountStatement(pool).page(account, before, limit == null ? 50 : limit)));
  }

  private void tenantAccounts(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID tenantId = pathId(rc, "tenantId");
    ok(rc, access.visibleTenantSite(p, tenantId)
      .compose(siteId -> ledger.openTenantAccounts(siteId, tenantId))
      .map(accounts -> new JsonObject().put("items", new JsonArray(List.of(accounts.wallet().toJson(),
        accounts.receivable().toJson())))));
  }

  /**
   * A manual correction of a tenant account against the site's write-off account. The transfer id is derived from
   * the account and the Idempotency-Key, so a retry is a replay of the same transfer and answers the same body.
   */
  private void adjust(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID accountId = pathId(rc, "accountId");
    JsonObject body = body(rc);
    String key = rc.request().getHeader(IDEMPOTENCY_KEY);
    long amountMinor = body.getLong("amountMinor");
    String reason = body.getString("reason").strip();
    created(rc, access.visibleAccount(p, accountId).compose(account -> {
      LedgerAccess.requireOperator(p, "adjust accounts");
      if (!account.kind().tenantOwned()) {
        throw Problem.unprocessable("not-adjustable", null, "Only a tenant's wallet or receivable is adjusted");
      }
      if (amountMinor == 0 || reason.isEmpty()) {
        throw Problem.unprocessable("invalid-adjustment", amountMinor == 0 ? "/amountMinor" : "/reason",
          amountMinor == 0 ? "An adjustment moves a non-zero amount" : "A reason is required");
      }
      return ledger.openSiteAccount(account.siteId(), AccountKind.WRITE_OFF, "").compose(writeOff -> {
        UUID transferId = UUID.nameUUIDFromBytes(("adjustment|" + accountId + "|" + key).getBytes(StandardCharsets.UTF_8));
        Side side = amountMinor > 0 ? account.kind().normalSide() : account.kind().normalSide().opposite();
        long amount = Math.abs(amountMinor);
        Transfer transfer = new Transfer(transferId, account.siteId(), account.currency(), "adjustment",
          List.of(new Transfer.Leg(accountId, side, amount), new Transfer.Leg(writeOff.id(), side.opposite(), amount)),
          null, reason, new JsonObject().put("idempotencyKey", key), p.subject());
        return ledger.post(transfer).onSuccess(r -> LOG.info("adjustment transfer={} account={} amountMinor={} by={} "
          + "result={}", transferId, accountId, amountMinor, p.subject(), r.status()));
      }).compose(result -> adjustmentResponse(rc, result, accountId));
    }));
  }

  private Future<JsonObject> adjustmentResponse(RoutingContext rc, TransferResult result, UUID accountId) {
    switch (result.status()) {
      case POSTED, ALREADY_POSTED -> {
        if (result.status() == TransferResult.Status.ALREADY_POSTED) {
          rc.response().putHeader("Idempotent-Replayed", "true");
        }
        return pool.preparedQuery(ADJUSTMENT).execute(Tuple.of(result.transferId(), accountId))
          .map(rows -> adjustmentJson(rows.iterator().next()));
      }
      case ID_CONFLICT -> throw Problem.unprocessable("idempotency-key-reused", null,
        "This Idempotency-Key was used for a different adjustment of this account");
      case INSUFFICIENT_FUNDS -> throw Problem.unprocessable("insufficient-funds", "/amountMinor", result.detail());
      default -> throw Problem.unprocessable("invalid-transfer", null, result.detail());
    }
  }

  private static JsonObject adjustmentJson(io.vertx.sqlclient.Row row) {
    Side side = Side.fromCode(row.getString("side"));
    long signed = side.effect(Side.fromCode(row.getString("normal_side")), row.getLong("amount_minor"));
    return new JsonObject().put("transferId", row.getUUID("id").toString())
      .put("accountId", row.getUUID("account_id").toString())
      .put("counterAccountId", row.getUUID("counter").toString())
      .put("amountMinor", signed)
      .put("balanceAfterMinor", row.getLong("balance_after_minor"))
      .put("reason", row.getString("description"))
      .put("createdBy", row.getString("created_by"))
      .put("postedAt", timestamp(row.getOffsetDateTime("posted_at")));
  }

  static Long decodeCursor(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      String raw = new String(java.util.Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!raw.startsWith("seq:")) {
        throw new IllegalArgumentException(raw);
      }
      return Long.parseLong(raw.substring(4));
    } catch (RuntimeException e) {
      throw Problem.badRequest("invalid-cursor", "cursor", "The cursor is not one this API issued");
    }
  }

  static String encodeCursor(long seq) {
    return java.util.Base64.getUrlEncoder().withoutPadding()
      .encodeToString(("seq:" + seq).getBytes(StandardCharsets.UTF_8));
  }
}
