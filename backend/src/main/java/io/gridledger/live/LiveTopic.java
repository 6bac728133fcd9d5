package io.gridledger.live;

import io.gridledger.site.SiteTopology;

import java.util.UUID;

/**
 * A subscription topic: {@code <kind>:<uuid>} with kind one of site, building, floor, unit, meter, tenant. The
 * canonical form (lower-case uuid) is what the server indexes and echoes.
 */
record LiveTopic(String kind, UUID id) {

  /** The topic, or null when {@code text} is not one (unknown kind, malformed id, too long). */
  static LiveTopic parse(Object text) {
    if (!(text instanceof String s) || s.length() > 64) {
      return null;
    }
    int colon = s.indexOf(':');
    if (colon < 0 || !SiteTopology.KINDS.contains(s.substring(0, colon))) {
      return null;
    }
    String id = s.substring(colon + 1);
    if (id.length() != 36) {
      return null;
    }
    try {
      return new LiveTopic(s.substring(0, colon), UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return kind + ":" + id;
  }

  static String meter(UUID id) {
    return "meter:" + id;
  }

  static String site(UUID id) {
    return "site:" + id;
  }

  static String tenant(UUID id) {
    return "tenant:" + id;
  }
}
