package io.gridledger.allocation;

import io.vertx.core.Future;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * What billing and reports ask allocation for: each tenant's share of the site's metered consumption, per utility,
 * as 15-minute interval quantities, together with where every share came from (meter, register, rule).
 *
 * <p>This is the narrow interface between metering/allocation and rating/billing (DESIGN.md): billing never reads
 * meters, occupancy or allocation rules itself.
 */
public interface AllocatedUsage {

  /**
   * Every tenant's allocated usage on the site for the site-local days [from, to), one entry per tenant and utility
   * that has any allocation in the period (tenants that moved out before {@code from} are absent). Quantities are
   * thousandths of the utility's billing unit (Wh for kWh, litres for m3), integers, so that the shares of one
   * meter's interval add up exactly to the metered quantity.
   */
  Future<List<TenantUsage>> forSite(UUID siteId, LocalDate from, LocalDate to);

  /** The same for one tenant (its site is implied); empty when the tenant has no allocation in the period. */
  Future<List<TenantUsage>> forTenant(UUID tenantId, LocalDate from, LocalDate to);

  /**
   * The same as {@link #forSite}, handed over {@code tenantsPerBatch} tenants at a time (a bill run rates one batch
   * while reading the next). This default reads everything first and splits it; the stored allocation reads each
   * batch when asked.
   */
  default Future<UsageBatches> forSiteInBatches(UUID siteId, LocalDate from, LocalDate to, int tenantsPerBatch) {
    return forSite(siteId, from, to).map(all -> UsageBatches.of(all, tenantsPerBatch));
  }
}
