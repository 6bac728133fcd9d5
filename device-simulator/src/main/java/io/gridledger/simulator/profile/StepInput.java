package io.gridledger.simulator.profile;

import java.time.ZonedDateTime;

/**
 * What a meter's physics gets for one step.
 *
 * @param local             the moment in the site's time zone
 * @param dtSeconds         simulated seconds since the previous step (0 when only re-evaluating after a change)
 * @param supplied          the meter's own switch is closed and everything upstream supplies it
 * @param upstreamSupplied  everything upstream supplies it (its own switch may still be open)
 * @param childrenPrimary   the sum of the primary quantity of the meter's sub-meters of the same kind
 * @param childCount        how many such sub-meters it has; 0 means the meter measures a load of its own
 */
public record StepInput(ZonedDateTime local, double dtSeconds, boolean supplied, boolean upstreamSupplied,
                        double childrenPrimary, int childCount) {

  public boolean hasChildren() {
    return childCount > 0;
  }
}
