package io.gridledger.allocation;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A site's allocated usage for a period, handed over a batch of tenants at a time, so that a bill run can rate and
 * store one batch while the next is still being read (reading the whole month first and only then rating left the
 * database idle during rating and the CPU idle during the read).
 *
 * <p>The tenants and their order are fixed when the batches are obtained (the allocation is made current once, for
 * the whole period, before that); every batch holds every utility of each of its tenants. A batch is read when
 * {@link #batch} is called, so the caller decides how far it reads ahead.
 */
public interface UsageBatches {

  /** Tenants with usage in the period, over all batches. */
  int tenants();

  /** Number of batches; {@link #batch} takes 0 .. count - 1. */
  int count();

  /** Reads batch {@code index}: the usage of its tenants, each tenant's entries together. */
  Future<List<TenantUsage>> batch(int index);

  /** Batches over usage already in memory, in its order of tenants (first appearance). */
  static UsageBatches of(List<TenantUsage> all, int tenantsPerBatch) {
    Map<UUID, List<TenantUsage>> byTenant = new LinkedHashMap<>();
    for (TenantUsage u : all) {
      byTenant.computeIfAbsent(u.tenantId(), k -> new ArrayList<>()).add(u);
    }
    List<List<UUID>> split = split(new ArrayList<>(byTenant.keySet()), tenantsPerBatch);
    return of(byTenant.size(), split, tenants -> {
      List<TenantUsage> out = new ArrayList<>();
      for (UUID t : tenants) {
        out.addAll(byTenant.get(t));
      }
      return Future.succeededFuture(out);
    });
  }

  /** Batches of {@code batches}, each read by {@code reader} when asked for. */
  static UsageBatches of(int tenants, List<List<UUID>> batches,
                         Function<List<UUID>, Future<List<TenantUsage>>> reader) {
    return new UsageBatches() {
      @Override
      public int tenants() {
        return tenants;
      }

      @Override
      public int count() {
        return batches.size();
      }

      @Override
      public Future<List<TenantUsage>> batch(int index) {
        return reader.apply(batches.get(index));
      }
    };
  }

  /** Consecutive runs of at most {@code size} ids, in the given order. */
  static List<List<UUID>> split(List<UUID> ids, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("batch size must be at least 1: " + size);
    }
    List<List<UUID>> out = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += size) {
      out.add(List.copyOf(ids.subList(from, Math.min(ids.size(), from + size))));
    }
    return out;
  }
}
