package io.gridledger.alarm;

import java.util.Locale;

/** The alarms the platform raises, with the severity an operator should read them at. */
public enum AlarmKind {
  DEVICE_OFFLINE("warning"),
  GATEWAY_OFFLINE("warning"),
  ROLLOVER("info"),
  QUARANTINE("warning"),
  METER_EXCHANGE_INCONSISTENT("warning"),
  LEAK("critical"),
  ABNORMAL_CONSUMPTION("warning"),
  NEGATIVE_REMAINDER("warning"),
  /** A relay command the device never confirmed: the supply may or may not be switched, someone must look. */
  RELAY_UNCONFIRMED("critical"),
  /** A prepaid wallet at or below its low-balance mark (raised on the tenant's first meter, one per tenant). */
  LOW_BALANCE("warning");

  private final String severity;

  AlarmKind(String severity) {
    this.severity = severity;
  }

  public String severity() {
    return severity;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
