package io.gridledger.tariff;

/** What a charge line is for; TAX lines (taxes and levies) are outside the subtotal. */
public enum ChargeKind { FIXED, ENERGY, DEMAND, MINIMUM, TAX }
