package io.gridledger.testsupport;

import java.time.Duration;
import java.util.function.Supplier;

/** Bounded waiting for what the backend derives or polls asynchronously; a test never asserts how long it took. */
public final class Await {

  private Await() {
  }

  /** Polls {@code check} until it answers non-null, failing with {@code what} after {@code timeout}. */
  public static <T> T until(String what, Duration timeout, Supplier<T> check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      T result = check.get();
      if (result != null) {
        return result;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for " + what);
  }
}
