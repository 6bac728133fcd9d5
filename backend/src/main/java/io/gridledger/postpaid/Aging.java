package io.gridledger.postpaid;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * Open invoice amounts by days past due on a site-local date. An invoice is past due from the day after its due
 * date: due 31 January, on 1 February it is 1 day past due. Buckets: not yet due (0 or fewer days), 0-30 (1 to 30
 * days), 31-60, 61-90, 90+ (91 days and more).
 */
public final class Aging {

  private long notDue;
  private long d0to30;
  private long d31to60;
  private long d61to90;
  private long d90plus;

  /** Adds an open amount due on {@code dueDate}, as seen on {@code asOf}. */
  public void add(LocalDate dueDate, LocalDate asOf, long openMinor) {
    long days = ChronoUnit.DAYS.between(dueDate, asOf);
    if (days <= 0) {
      notDue += openMinor;
    } else if (days <= 30) {
      d0to30 += openMinor;
    } else if (days <= 60) {
      d31to60 += openMinor;
    } else if (days <= 90) {
      d61to90 += openMinor;
    } else {
      d90plus += openMinor;
    }
  }

  public long pastDueMinor() {
    return d0to30 + d31to60 + d61to90 + d90plus;
  }

  public long totalMinor() {
    return notDue + pastDueMinor();
  }

  public JsonObject toJson() {
    return new JsonObject().put("notDueMinor", notDue).put("days0To30Minor", d0to30).put("days31To60Minor", d31to60)
      .put("days61To90Minor", d61to90).put("days90PlusMinor", d90plus).put("pastDueMinor", pastDueMinor())
      .put("totalMinor", totalMinor());
  }
}
