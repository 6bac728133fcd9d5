package io.gridledger.postpaid;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;

/** A tenant the caller may see, with what money handling needs of its site: currency and time zone. */
record TenantRef(UUID id, UUID siteId, String billingMode, String currency, ZoneId zone, Clock clock) {

  /** Today on the site's calendar. */
  LocalDate today() {
    return clock.instant().atZone(zone).toLocalDate();
  }
}
