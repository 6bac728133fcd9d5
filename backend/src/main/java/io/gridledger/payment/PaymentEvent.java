package io.gridledger.payment;

import java.util.UUID;

/**
 * An authentic provider notification, reduced to what the top-up state machine needs. {@code topUpId} or
 * {@code checkoutId} find the top-up; amount and currency (when the provider states them) must match it to credit.
 */
public record PaymentEvent(String provider, String eventId, String type, Kind kind, UUID topUpId, String checkoutId,
                           String paymentId, Long amountMinor, String currency) {

  public enum Kind {
    /** The money was taken: credit the wallet (once). */
    SUCCEEDED,
    /** The payment failed; the top-up ends unless a later success proves otherwise. */
    FAILED,
    /** The checkout expired unpaid. */
    EXPIRED,
    /** Nothing to do (an event type we do not act on, or a completed checkout still awaiting payment). */
    IGNORED
  }
}
