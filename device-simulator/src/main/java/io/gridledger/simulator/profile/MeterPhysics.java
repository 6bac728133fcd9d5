package io.gridledger.simulator.profile;

import java.util.Set;

/** Drives one meter: turns the moment, the supply state and the sub-meters' totals into readings. */
public interface MeterPhysics {

  /** Computes this step's quantities into out; sub-meters are always updated before their parent. */
  void update(StepInput in, Quantities out);

  /** The register names this physics produces, so a site document naming others can be warned about. */
  Set<String> registers();
}
