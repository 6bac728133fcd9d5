package io.gridledger.allocation;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One site-local day of interval data as allocation reads it: per meter register, {@code n} quantities in thousandths
 * (of the canonical unit for billed registers, of the register's own unit for weights), index i = day start + i x 15
 * min. A missing interval is 0.
 */
final class DayData {

  final int n;
  /** A record key: cheap hashing, unlike a concatenated string per interval row. */
  private record Key(UUID meterId, String register) {
  }

  private final Map<Key, long[]> series = new HashMap<>();
  private final Set<Key> estimated = new HashSet<>();

  DayData(int n) {
    this.n = n;
  }

  private static Key key(UUID meterId, String register) {
    return new Key(meterId, register);
  }

  /** The register's quantities of the day (index = interval of the day); {@code isEstimated}: any of them is. */
  void put(UUID meterId, String register, long[] quantities, boolean isEstimated) {
    series.put(key(meterId, register), quantities);
    if (isEstimated) {
      estimated.add(key(meterId, register));
    }
  }

  /** The register's quantities, or null when it has no interval on the day. */
  long[] get(UUID meterId, String register) {
    return series.get(key(meterId, register));
  }

  boolean estimated(UUID meterId, String register) {
    return estimated.contains(key(meterId, register));
  }
}
