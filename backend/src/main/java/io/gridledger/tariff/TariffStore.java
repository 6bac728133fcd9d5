package io.gridledger.tariff;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What billing asks the tariff capability (it never reads these tables itself). Dates are site-local; ranges are
 * [from, toExclusive). Documents come back parsed, so a stored document that no longer validates fails loudly here
 * rather than rating wrongly.
 */
public final class TariffStore {

  /** Tenant {@code tenantId} is rated for {@code utility} by {@code tariffId} from {@code effectiveFrom} on. */
  public record TariffAssignment(UUID tenantId, String utility, UUID tariffId, LocalDate effectiveFrom) {
  }

  /** A version of a tariff, in force from {@code effectiveFrom} until the next version's date. */
  public record TariffVersionRef(UUID tariffId, UUID versionId, int versionNumber, LocalDate effectiveFrom, String name,
                                 TariffDocument document) {
  }

  private final Pool pool;

  public TariffStore(Pool pool) {
    this.pool = pool;
  }

  /** Every assignment in force during the range: the last one starting on or before {@code from}, and later ones. */
  public Future<List<TariffAssignment>> assignmentsFor(UUID siteId, LocalDate from, LocalDate toExclusive) {
    return pool.preparedQuery("SELECT a.tenant_id, a.utility, a.tariff_id, a.effective_from FROM tariff_assignment a "
        + "WHERE a.site_id = $1 AND a.effective_from < $3 AND (a.effective_from > $2 OR a.effective_from = "
        + "(SELECT max(b.effective_from) FROM tariff_assignment b WHERE b.tenant_id = a.tenant_id "
        + "AND b.utility = a.utility AND b.effective_from <= $2)) ORDER BY a.tenant_id, a.utility, a.effective_from")
      .execute(Tuple.of(siteId, from, toExclusive))
      .map(rows -> {
        List<TariffAssignment> out = new ArrayList<>();
        for (Row row : rows) {
          out.add(new TariffAssignment(row.getUUID("tenant_id"), row.getString("utility"), row.getUUID("tariff_id"),
            row.getLocalDate("effective_from")));
        }
        return out;
      });
  }

  /** Every version of the tariff in force during the range, in order. */
  public Future<List<TariffVersionRef>> versionsFor(UUID tariffId, LocalDate from, LocalDate toExclusive) {
    return pool.preparedQuery("SELECT v.id, v.version_number, v.effective_from, v.document, t.name FROM tariff_version v "
        + "JOIN tariff t ON t.id = v.tariff_id WHERE v.tariff_id = $1 AND v.effective_from < $3 AND "
        + "(v.effective_from > $2 OR v.effective_from = (SELECT max(w.effective_from) FROM tariff_version w "
        + "WHERE w.tariff_id = $1 AND w.effective_from <= $2)) ORDER BY v.effective_from")
      .execute(Tuple.of(tariffId, from, toExclusive))
      .map(rows -> {
        List<TariffVersionRef> out = new ArrayList<>();
        for (Row row : rows) {
          out.add(new TariffVersionRef(tariffId, row.getUUID("id"), row.getInteger("version_number"),
            row.getLocalDate("effective_from"), row.getString("name"),
            TariffDocument.parse(row.getJsonObject("document"))));
        }
        return out;
      });
  }

  /** A new tariff with its version 1, on the caller's connection (its transaction). Returns the tariff's id. */
  public static Future<UUID> create(io.vertx.sqlclient.SqlClient conn, UUID siteId, String name,
                                    LocalDate effectiveFrom, TariffDocument document) {
    UUID tariffId = UUID.randomUUID();
    return conn.preparedQuery("INSERT INTO tariff (id, site_id, name, utility) VALUES ($1, $2, $3, $4)")
      .execute(Tuple.of(tariffId, siteId, name, document.utility()))
      .compose(v -> conn.preparedQuery("INSERT INTO tariff_version (id, tariff_id, version_number, effective_from, "
        + "document) VALUES ($1, $2, 1, $3, $4)").execute(Tuple.of(UUID.randomUUID(), tariffId, effectiveFrom,
        document.toJson())))
      .map(v -> tariffId);
  }

  /** Assigns a tariff of the tenant's site to the tenant for its utility from a date. */
  public static Future<Void> assign(io.vertx.sqlclient.SqlClient conn, UUID siteId, UUID tenantId, String utility,
                                    UUID tariffId, LocalDate effectiveFrom) {
    return conn.preparedQuery("INSERT INTO tariff_assignment (site_id, tenant_id, utility, tariff_id, effective_from) "
      + "VALUES ($1, $2, $3, $4, $5)").execute(Tuple.of(siteId, tenantId, utility, tariffId, effectiveFrom)).mapEmpty();
  }

  public static Future<Void> addHoliday(io.vertx.sqlclient.SqlClient conn, UUID siteId, LocalDate day, String name) {
    return conn.preparedQuery("INSERT INTO site_holiday (site_id, day, name) VALUES ($1, $2, $3) "
      + "ON CONFLICT DO NOTHING").execute(Tuple.of(siteId, day, name)).mapEmpty();
  }

  public Future<Set<LocalDate>> holidays(UUID siteId, LocalDate from, LocalDate toExclusive) {
    return pool.preparedQuery("SELECT day FROM site_holiday WHERE site_id = $1 AND day >= $2 AND day < $3 ORDER BY day")
      .execute(Tuple.of(siteId, from, toExclusive))
      .map(rows -> {
        Set<LocalDate> out = new LinkedHashSet<>();
        for (Row row : rows) {
          out.add(row.getLocalDate("day"));
        }
        return Set.copyOf(out);
      });
  }
}
