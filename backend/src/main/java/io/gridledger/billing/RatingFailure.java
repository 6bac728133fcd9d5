package io.gridledger.billing;

/** A tenant that cannot be rated (no tariff assigned, unit mismatch, ...): reported in the run, never fatal to it. */
public final class RatingFailure extends RuntimeException {

  public RatingFailure(String reason) {
    super(reason, null, false, false);
  }
}
