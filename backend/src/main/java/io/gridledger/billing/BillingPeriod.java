package io.gridledger.billing;

import io.gridledger.api.Problem;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;

/** Site-local days [from, to): a calendar month ("2026-10") or explicit dates. At most 366 days. */
public record BillingPeriod(LocalDate from, LocalDate to) {

  public static final int MAX_DAYS = 366;

  public BillingPeriod {
    if (!from.isBefore(to)) {
      throw Problem.unprocessable("invalid-period", "/to", "the period must end after it starts: " + from + " .. " + to);
    }
    if (to.toEpochDay() - from.toEpochDay() > MAX_DAYS) {
      throw Problem.unprocessable("invalid-period", "/to", "a bill run covers at most " + MAX_DAYS + " days");
    }
  }

  /** From a request body: {@code period} ("YYYY-MM") or {@code from} and {@code to} (dates, to exclusive). */
  public static BillingPeriod of(JsonObject body) {
    String month = body.getString("period");
    String from = body.getString("from");
    String to = body.getString("to");
    if (month != null && (from != null || to != null)) {
      throw Problem.unprocessable("invalid-period", "/period", "give either period or from and to, not both");
    }
    try {
      if (month != null) {
        YearMonth ym = YearMonth.parse(month);
        return new BillingPeriod(ym.atDay(1), ym.plusMonths(1).atDay(1));
      }
      if (from == null || to == null) {
        throw Problem.unprocessable("invalid-period", "/period", "give period (YYYY-MM) or both from and to");
      }
      return new BillingPeriod(LocalDate.parse(from), LocalDate.parse(to));
    } catch (DateTimeParseException e) {
      throw Problem.unprocessable("invalid-period", month != null ? "/period" : "/from", "not a date: " + e.getParsedString());
    }
  }

  public long days() {
    return to.toEpochDay() - from.toEpochDay();
  }
}
