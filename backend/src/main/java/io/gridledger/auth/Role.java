package io.gridledger.auth;

import java.util.Locale;

/** What a caller may do. Scope (which sites, which tenant) is carried separately by {@link Principal}. */
public enum Role {
  /** Everything, on every site. */
  ADMIN,
  /** A facility manager: reads and edits the asset model of the sites in scope. */
  OPERATOR,
  /** A tenant: reads its own tenant record, units, meters and occupancies; edits nothing. */
  TENANT,
  /** A third-party system: reads the sites in scope (and, later, sends readings). */
  INTEGRATION;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromWire(String value) {
    return Role.valueOf(value.toUpperCase(Locale.ROOT));
  }
}
