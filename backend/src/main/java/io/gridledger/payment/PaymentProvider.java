package io.gridledger.payment;

import io.gridledger.ledger.AccountKind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.UUID;

/**
 * A way money reaches a tenant wallet. Either it settles at once (an operator records cash or a bank transfer), or
 * it starts a checkout the tenant completes elsewhere and reports the outcome by a signed notification (webhook),
 * which credits the wallet through the same path for every provider.
 */
public interface PaymentProvider {

  /** What a checkout needs to know about the top-up. */
  record CheckoutRequest(UUID topUpId, UUID accountId, UUID tenantId, long amountMinor, String currency,
                         String baseUrl) {
  }

  /** A started checkout: the provider's id for it and the page the payer goes to. */
  record Checkout(String checkoutId, String checkoutUrl) {
  }

  /** cash, sandbox or stripe: the wire name in requests and in the database. */
  String name();

  /** Whether the provider can be used now (configured, enabled). */
  boolean enabled();

  /** Whether only operators may use it (recording money received outside the system). */
  boolean operatorOnly();

  /** Whether a top-up is settled when it is created (no checkout, no webhook). */
  boolean settlesImmediately();

  /** The site account that holds the money on its way in. */
  AccountKind clearingKind();

  default String clearingQualifier() {
    return clearingKind() == AccountKind.PROVIDER_CLEARING ? name() : "";
  }

  /** Starts a checkout; it may call the provider, so the caller passes a key that makes a repeat harmless. */
  Future<Checkout> startCheckout(CheckoutRequest request);

  /** Verifies a notification's signature and reads it. */
  PaymentEvent verify(String signatureHeader, Buffer payload) throws WebhookSignature.Refused;
}
