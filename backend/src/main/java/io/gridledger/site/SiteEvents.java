package io.gridledger.site;

import io.vertx.core.Vertx;

/**
 * Event-bus addresses the site model publishes on, so capabilities that cache parts of it (ingest's meter
 * directory) hear about changes instead of polling.
 */
public final class SiteEvents {

  /** Published (body: the meter id, or "*" after an import) when a meter is created, changed or deleted. */
  public static final String METERS_CHANGED = "gridledger.site.meters-changed";

  private SiteEvents() {
  }

  static void metersChanged(Vertx vertx, String what) {
    vertx.eventBus().publish(METERS_CHANGED, what);
  }
}
