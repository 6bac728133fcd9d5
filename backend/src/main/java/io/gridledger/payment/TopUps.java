package io.gridledger.payment;

import io.gridledger.api.Problem;
import io.gridledger.auth.Principal;
import io.gridledger.auth.Role;
import io.gridledger.ledger.AccountKind;
import io.gridledger.ledger.CanonicalJson;
import io.gridledger.ledger.LedgerAccess;
import io.gridledger.ledger.LedgerAccount;
import io.gridledger.ledger.LedgerService;
import io.gridledger.ledger.TransferResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Creating top-ups, idempotently per (account, Idempotency-Key): the first request inserts the top-up; a concurrent
 * or later request with the same key waits for that insert's commit (unique index), then answers the stored first
 * response byte for byte, or 422 if its body differs. A cash top-up is credited in the inserting transaction. A
 * checkout is started after the insert commits and its first result is stored with one conditional UPDATE, so
 * concurrent retries that each start one still all answer the same (Stripe also dedupes by our Idempotency-Key).
 */
final class TopUps {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TopUps.class);

  /** The response body to send, and whether it is a replay of an earlier request's. */
  record Created(String body, boolean replayed) {
  }

  private static final String INSERT = "INSERT INTO top_up AS u (id, site_id, tenant_id, account_id, clearing_account_id, "
    + "idempotency_key, request_hash, provider, amount_minor, currency, state, reference, created_by) "
    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12) "
    + "ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING u.*";
  private static final String BY_KEY = "SELECT * FROM top_up WHERE account_id = $1 AND idempotency_key = $2";
  private static final String SETTLE = "UPDATE top_up SET state = 'succeeded', transfer_id = $2, completed_at = created_at, "
    + "updated_at = now(), response = $3 WHERE id = $1";
  private static final String CHECKOUT = "UPDATE top_up SET checkout_id = $2, checkout_url = $3, response = $4, "
    + "updated_at = now() WHERE id = $1 AND response IS NULL";
  private static final String RESPONSE = "SELECT response FROM top_up WHERE id = $1";

  private static final LedgerService.Posting NOTHING = new LedgerService.Posting(List.of(), List.of());

  private final Pool pool;
  private final LedgerService ledger;
  private final Map<String, PaymentProvider> providers;

  TopUps(Pool pool, LedgerService ledger, Map<String, PaymentProvider> providers) {
    this.pool = pool;
    this.ledger = ledger;
    this.providers = providers;
  }

  Future<Created> create(Principal p, LedgerAccount wallet, String key, JsonObject body, String baseUrl) {
    PaymentProvider provider = providers.get(body.getString("provider"));
    if (p.role() == Role.INTEGRATION) {
      throw Problem.forbidden("Integrations do not top up wallets");
    }
    if (provider == null || !provider.enabled()) {
      throw Problem.unprocessable("provider-unavailable", "/provider", "The payment provider "
        + body.getString("provider") + " is not enabled on this installation");
    }
    if (provider.operatorOnly()) {
      LedgerAccess.requireOperator(p, "record " + provider.name() + " top-ups");
    }
    if (wallet.kind() != AccountKind.TENANT_WALLET) {
      throw Problem.unprocessable("not-a-wallet", null, "Only a tenant wallet is topped up");
    }
    String requestHash = CanonicalJson.sha256Hex(CanonicalJson.of(body));
    return ledger.openSiteAccount(wallet.siteId(), provider.clearingKind(), provider.clearingQualifier())
      .compose(clearing -> {
        Tuple insert = Tuple.of(UUID.randomUUID(), wallet.siteId(), wallet.tenantId(), wallet.id(), clearing.id(), key,
          requestHash, provider.name(), body.getLong("amountMinor"), wallet.currency(), body.getString("reference"),
          p.subject());
        return pool.withTransaction(tx -> insertOrReplay(tx, insert, wallet, key, requestHash, provider, p));
      })
      .compose(step -> {
        ledger.publish(step.posting);
        return step.row == null ? Future.succeededFuture(step.created) : startCheckout(provider, step.row, baseUrl);
      });
  }

  /** What the transaction decided: an answer ready to send, or a pending checkout top-up to start after commit. */
  private record Step(Created created, TopUpRow row, LedgerService.Posting posting) {
    static Step answer(Created created, LedgerService.Posting posting) {
      return new Step(created, null, posting);
    }

    static Step checkout(TopUpRow row) {
      return new Step(null, row, NOTHING);
    }
  }

  private Future<Step> insertOrReplay(SqlConnection tx, Tuple insert, LedgerAccount wallet, String key,
                                      String requestHash, PaymentProvider provider, Principal p) {
    return tx.preparedQuery(INSERT).execute(insert).compose(rows -> {
      if (rows.size() == 1) {
        TopUpRow row = TopUpRow.from(rows.iterator().next());
        LOG.info("top-up created topUp={} account={} provider={} amountMinor={} by={}", row.id(), row.accountId(),
          row.provider(), row.amountMinor(), row.createdBy());
        return provider.settlesImmediately() ? settleNow(tx, row, p) : Future.succeededFuture(Step.checkout(row));
      }
      return tx.preparedQuery(BY_KEY).execute(Tuple.of(wallet.id(), key)).map(existing -> {
        TopUpRow row = TopUpRow.from(existing.iterator().next());
        if (!row.requestHash().equals(requestHash)) {
          throw Problem.unprocessable("idempotency-key-reused", null,
            "This Idempotency-Key was used for a different top-up of this account");
        }
        return row.response() != null ? Step.answer(new Created(row.response(), true), NOTHING) : Step.checkout(row);
      });
    });
  }

  /** Cash: the credit and the succeeded state commit with the insert, so there is no pending cash top-up. */
  private Future<Step> settleNow(SqlConnection tx, TopUpRow row, Principal p) {
    return ledger.postWithin(tx, List.of(row.credit(p.subject()))).compose(posting -> {
      TransferResult result = posting.results().get(0);
      if (!result.succeeded()) {
        throw new IllegalStateException("top-up credit refused: " + result.status() + " " + result.detail());
      }
      String response = row.settled(result.transferId()).toJson().encode();
      return tx.preparedQuery(SETTLE).execute(Tuple.of(row.id(), result.transferId(), response))
        .map(v -> Step.answer(new Created(response, false), posting));
    });
  }

  private Future<Created> startCheckout(PaymentProvider provider, TopUpRow row, String baseUrl) {
    PaymentProvider.CheckoutRequest request = new PaymentProvider.CheckoutRequest(row.id(), row.accountId(),
      row.tenantId(), row.amountMinor(), row.currency(), baseUrl);
    return provider.startCheckout(request).compose(checkout -> {
      String response = row.withCheckout(checkout.checkoutId(), checkout.checkoutUrl()).toJson().encode();
      return pool.preparedQuery(CHECKOUT).execute(Tuple.of(row.id(), checkout.checkoutId(), checkout.checkoutUrl(), response))
        .compose(updated -> pool.preparedQuery(RESPONSE).execute(Tuple.of(row.id())))
        .map(stored -> {
          String first = stored.iterator().next().getString("response");
          return new Created(first, !first.equals(response));
        });
    });
  }
}
