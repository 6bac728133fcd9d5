package io.gridledger.auth;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds password guessing: a username is locked after N failed logins within the window, and one address may
 * make at most M attempts (good or bad) within the window. Sliding windows, kept in memory per instance, with a
 * bounded number of tracked keys so a flood of random usernames cannot grow the heap.
 */
public final class LoginRateLimiter {

  private static final int MAX_TRACKED_KEYS = 100_000;

  private final int maxFailuresPerUser;
  private final int maxAttemptsPerAddress;
  private final long windowMillis;
  private final Map<String, Deque<Long>> failuresByUser = boundedMap();
  private final Map<String, Deque<Long>> attemptsByAddress = boundedMap();

  public LoginRateLimiter(int maxFailuresPerUser, int maxAttemptsPerAddress, long windowSeconds) {
    this.maxFailuresPerUser = maxFailuresPerUser;
    this.maxAttemptsPerAddress = maxAttemptsPerAddress;
    this.windowMillis = windowSeconds * 1000;
  }

  /** Records an attempt from the address; returns seconds to wait if the user or address is over its limit, else 0. */
  public synchronized long admit(String username, String address, long nowMillis) {
    Deque<Long> attempts = recent(attemptsByAddress, address, nowMillis);
    Deque<Long> failures = recent(failuresByUser, username, nowMillis);
    if (attempts.size() >= maxAttemptsPerAddress) {
      return retryAfterSeconds(attempts, nowMillis);
    }
    attempts.addLast(nowMillis);
    if (failures.size() >= maxFailuresPerUser) {
      return retryAfterSeconds(failures, nowMillis);
    }
    return 0;
  }

  public synchronized void recordFailure(String username, long nowMillis) {
    recent(failuresByUser, username, nowMillis).addLast(nowMillis);
  }

  public synchronized void recordSuccess(String username) {
    failuresByUser.remove(username);
  }

  private Deque<Long> recent(Map<String, Deque<Long>> map, String key, long nowMillis) {
    Deque<Long> times = map.computeIfAbsent(key, k -> new ArrayDeque<>());
    while (!times.isEmpty() && times.peekFirst() <= nowMillis - windowMillis) {
      times.removeFirst();
    }
    return times;
  }

  private long retryAfterSeconds(Deque<Long> times, long nowMillis) {
    long oldest = times.isEmpty() ? nowMillis : times.peekFirst();
    return Math.max(1, (oldest + windowMillis - nowMillis + 999) / 1000);
  }

  private static Map<String, Deque<Long>> boundedMap() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
        return size() > MAX_TRACKED_KEYS;
      }
    };
  }
}
