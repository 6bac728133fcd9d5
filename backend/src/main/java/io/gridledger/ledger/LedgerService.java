package io.gridledger.ledger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

import java.util.List;
import java.util.UUID;

/**
 * The ledger as other capabilities use it (billing, prepaid policy, payments). Every money movement is a balanced,
 * immutable transfer whose id the caller chooses: posting it again is harmless. Refusals (insufficient funds, an id
 * reused with other content) are results, not failures; a failed future means the ledger could not be reached.
 *
 * <p>After each commit the new balance of every tenant account that changed is published on
 * {@link #BALANCE_ADDRESS} as {@code {siteId, tenantId, accountId, kind, balanceMinor, currency, status}}.
 */
public interface LedgerService {

  String BALANCE_ADDRESS = "gridledger.live.balance";

  /** Results of a posting done inside the caller's transaction, and the balance messages to publish after its commit. */
  record Posting(List<TransferResult> results, List<JsonObject> balanceEvents) {
  }

  /** A tenant's two accounts in the site's currency. */
  record TenantAccounts(LedgerAccount wallet, LedgerAccount receivable) {
  }

  /** Posts one transfer, atomically (all its legs or none). */
  Future<TransferResult> post(Transfer transfer);

  /**
   * Posts many transfers with a few multi-row statements per chunk of {@code ledger.maxBatchTransfers}; one
   * transfer's refusal does not affect the others. Results are in the order given. Meant for high-rate prepaid
   * deductions: one transfer per meter interval, its id derived from the interval so a re-run is a replay.
   */
  Future<List<TransferResult>> postBatch(List<Transfer> transfers);

  /** Posts within the caller's transaction (so a payment's state and its credit commit together). */
  Future<Posting> postWithin(SqlConnection tx, List<Transfer> transfers);

  /** Publishes a {@link Posting}'s balance messages; call once the caller's transaction has committed. */
  void publish(Posting posting);

  /**
   * Reverses a posted transfer with a transfer of the same legs, sides swapped, under {@code reversalId} (a replay of
   * the same reversal is harmless; a second, different reversal of the same transfer is refused ALREADY_REVERSED).
   */
  Future<TransferResult> reverse(UUID reversalId, UUID originalId, String reason, String createdBy);

  /** The tenant's wallet and receivable on its site, opened now if they do not exist yet. */
  Future<TenantAccounts> openTenantAccounts(UUID siteId, UUID tenantId);

  /** Opens the wallet and receivable of every tenant of the site that has none yet; answers how many were opened. */
  Future<Integer> openAccountsForSite(UUID siteId);

  /** A site account (revenue per utility, tax payable, clearing, write-off), opened now if it does not exist yet. */
  Future<LedgerAccount> openSiteAccount(UUID siteId, AccountKind kind, String qualifier);

  /** The account, or a failed future with a not-found problem. */
  Future<LedgerAccount> account(UUID accountId);

  /**
   * Sets a wallet's credit limit (how far below zero it may go) and its low-balance mark. Refused (422
   * limit-below-balance) when the wallet is already further below zero than the new limit allows.
   */
  Future<LedgerAccount> setWalletLimits(UUID accountId, long creditLimitMinor, long lowBalanceMinor);
}
