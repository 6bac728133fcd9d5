package io.gridledger.tariff;

/** A tariff document breaks a rule; {@link #field()} is the JSON pointer of the offending value in the document. */
public final class TariffValidationException extends RuntimeException {

  private final String field;

  public TariffValidationException(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
