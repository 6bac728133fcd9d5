package io.gridledger.simulator;

import java.util.function.BooleanSupplier;

/** Waits for something the simulator does on its own threads; the generous limit only stops a hung test. */
final class Waiting {

  private static final long GIVE_UP_MS = 30_000;

  private Waiting() {
  }

  static void until(String what, BooleanSupplier condition) {
    long giveUpAt = System.currentTimeMillis() + GIVE_UP_MS;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > giveUpAt) {
        throw new AssertionError("Gave up waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted waiting for " + what);
      }
    }
  }

  /** Waits until the simulator has run n more physics ticks. */
  static void ticks(DeviceSimulator simulator, int n) {
    long target = simulator.tickCount() + n;
    until(n + " ticks", () -> simulator.tickCount() >= target);
  }
}
