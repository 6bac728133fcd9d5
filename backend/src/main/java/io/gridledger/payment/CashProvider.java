package io.gridledger.payment;

import io.gridledger.ledger.AccountKind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** Cash or a bank transfer an operator has received and records: the wallet is credited at once from cash clearing. */
final class CashProvider implements PaymentProvider {

  @Override
  public String name() {
    return "cash";
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public boolean operatorOnly() {
    return true;
  }

  @Override
  public boolean settlesImmediately() {
    return true;
  }

  @Override
  public AccountKind clearingKind() {
    return AccountKind.CASH_CLEARING;
  }

  @Override
  public Future<Checkout> startCheckout(CheckoutRequest request) {
    return Future.failedFuture(new UnsupportedOperationException("cash needs no checkout"));
  }

  @Override
  public PaymentEvent verify(String signatureHeader, Buffer payload) throws WebhookSignature.Refused {
    throw new WebhookSignature.Refused("Cash top-ups have no notifications");
  }
}
