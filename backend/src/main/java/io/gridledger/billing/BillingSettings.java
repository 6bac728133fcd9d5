package io.gridledger.billing;

import io.vertx.core.json.JsonObject;

/**
 * The {@code billing.*} configuration section, checked once at start so a nonsensical value stops the backend with
 * a message naming the key.
 *
 * @param paymentTermsDays  due date = site-local issue date + this many days
 * @param chunkTenants      tenants rated per worker task and persisted per transaction (bounds memory and lock time)
 * @param staleRunSeconds   a queued or running run without progress for this long is taken as interrupted (its
 *                          instance died) and no longer blocks the site's next run
 * @param ratchetMonths     how many months of earlier invoices' peaks are given to the tariff engine for ratchets
 * @param ratingThreads     worker tasks rating one chunk at once (the worker pool's size bounds them too)
 */
public record BillingSettings(int paymentTermsDays, int chunkTenants, int staleRunSeconds, int ratchetMonths,
                              int ratingThreads) {

  public static BillingSettings from(JsonObject section) {
    JsonObject s = section == null ? new JsonObject() : section;
    return new BillingSettings(
      within(s, "paymentTermsDays", 14, 0, 365),
      within(s, "chunkTenants", 250, 1, 10_000),
      within(s, "staleRunSeconds", 600, 30, 86_400),
      within(s, "ratchetMonths", 12, 0, 60),
      within(s, "ratingThreads", 2, 1, 64));
  }

  public static BillingSettings defaults() {
    return from(new JsonObject());
  }

  private static int within(JsonObject s, String key, int fallback, int min, int max) {
    Object raw = s.getValue(key);
    if (raw == null) {
      return fallback;
    }
    if (!(raw instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException("billing." + key + " must be a whole number, not " + raw);
    }
    int value = n.intValue();
    if (value < min || value > max) {
      throw new IllegalArgumentException("billing." + key + " must be between " + min + " and " + max + ", not " + value);
    }
    return value;
  }
}
