package io.gridledger.ledger;

/** The side of a leg. Stored as 'D' or 'C'. */
public enum Side {
  DEBIT('D'),
  CREDIT('C');

  private final char code;

  Side(char code) {
    this.code = code;
  }

  public String code() {
    return String.valueOf(code);
  }

  public Side opposite() {
    return this == DEBIT ? CREDIT : DEBIT;
  }

  public String wireName() {
    return this == DEBIT ? "debit" : "credit";
  }

  public static Side fromCode(String code) {
    return "D".equals(code) ? DEBIT : CREDIT;
  }

  /** The change a leg on this side makes to the balance of an account whose normal side is {@code normal}. */
  public long effect(Side normal, long amountMinor) {
    return this == normal ? amountMinor : -amountMinor;
  }
}
