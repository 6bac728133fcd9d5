package io.gridledger.tariff;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.gridledger.tariff.UrdbImporter.decimalAt;
import static io.gridledger.tariff.UrdbImporter.intAt;
import static io.gridledger.tariff.UrdbImporter.unsupported;

/**
 * The URDB rate structures and their 12 x 24 schedules (month x hour, weekday and weekend) as our schedules and
 * components. Months with the same weekday and weekend rows form a season (consecutive months, across the year end
 * too); runs of hours with one period form a window. URDB has no holidays: they take the weekend row.
 */
final class UrdbSchedules {

  private static final String[] MONTH_END = {"01-31", "02-29", "03-31", "04-30", "05-31", "06-30", "07-31", "08-31",
    "09-30", "10-31", "11-30", "12-31"};

  private UrdbSchedules() {
  }

  static void energy(JsonObject record, JsonArray schedules, JsonArray components) {
    if (record.getValue("energyratestructure") == null) {
      return;
    }
    List<JsonObject> prices = structure(record, "energyratestructure", "kWh");
    JsonObject component = new JsonObject().put("id", "energy").put("kind", "energy").put("description", "Energy");
    if (tierBasisDaily(record)) {
      component.put("tierBasis", "day");
    }
    if (prices.size() == 1) {
      components.add(component.mergeIn(prices.get(0)));
      return;
    }
    schedules.add(schedule(record, "energy", "e", "energyweekdayschedule", "energyweekendschedule", prices.size()));
    JsonObject rates = new JsonObject();
    for (int i = 0; i < prices.size(); i++) {
      rates.put("e" + i, prices.get(i));
    }
    components.add(component.put("schedule", "energy").put("rates", rates));
  }

  static void flatDemand(JsonObject record, JsonArray components) {
    if (record.getValue("flatdemandstructure") == null) {
      if (record.getValue("lookbackpercent") instanceof Number n && n.doubleValue() > 0) {
        throw unsupported("/lookbackpercent", "a lookback ratchet needs a flat demand structure");
      }
      return;
    }
    List<JsonObject> prices = structure(record, "flatdemandstructure", "kW");
    int[] monthPeriod = new int[12];
    if (record.getValue("flatdemandmonths") != null) {
      JsonArray months = array(record, "flatdemandmonths", 12, "/flatdemandmonths");
      for (int m = 0; m < 12; m++) {
        monthPeriod[m] = index(months.getValue(m), prices.size(), "/flatdemandmonths/" + m);
      }
    } else if (prices.size() != 1) {
      throw unsupported("/flatdemandmonths", "several flat demand periods need flatdemandmonths");
    }
    Set<Integer> used = new LinkedHashSet<>();
    for (int p : monthPeriod) {
      used.add(p);
    }
    JsonObject ratchet = ratchet(record);
    for (int p : used) {
      JsonArray months = new JsonArray();
      for (int m = 0; m < 12; m++) {
        if (monthPeriod[m] == p) {
          months.add(m + 1);
        }
      }
      JsonObject c = new JsonObject().put("id", used.size() == 1 ? "demand" : "demand-" + p).put("kind", "demand")
        .put("description", "Maximum demand").mergeIn(prices.get(p));
      if (used.size() > 1) {
        c.put("months", months);
      }
      if (ratchet != null) {
        c.put("ratchet", ratchet.copy());
      }
      components.add(c);
    }
  }

  static void touDemand(JsonObject record, JsonArray schedules, JsonArray components) {
    if (record.getValue("demandratestructure") == null) {
      return;
    }
    List<JsonObject> prices = structure(record, "demandratestructure", "kW");
    schedules.add(schedule(record, "demand", "d", "demandweekdayschedule", "demandweekendschedule", prices.size()));
    JsonObject rates = new JsonObject();
    for (int i = 0; i < prices.size(); i++) {
      rates.put("d" + i, prices.get(i));
    }
    components.add(new JsonObject().put("id", "tou-demand").put("kind", "demand")
      .put("description", "Time-of-use demand").put("schedule", "demand").put("rates", rates));
  }

  /** URDB lookback: percent of the highest peak in lookbackrange months, or in the months lookbackmonths marks. */
  private static JsonObject ratchet(JsonObject record) {
    if (!(record.getValue("lookbackpercent") instanceof Number) || decimalAt(record, "lookbackpercent",
      "/lookbackpercent").signum() <= 0) {
      return null;
    }
    BigDecimal percent = decimalAt(record, "lookbackpercent", "/lookbackpercent").movePointRight(2).stripTrailingZeros();
    int range = record.getValue("lookbackrange") == null ? 0 : intAt(record, "lookbackrange", "/lookbackrange");
    JsonObject ratchet = new JsonObject().put("percent", percent.toPlainString())
      .put("months", range > 0 ? Math.min(range, 36) : 12);
    if (record.getValue("lookbackmonths") != null) {
      JsonArray flags = array(record, "lookbackmonths", 12, "/lookbackmonths");
      JsonArray only = new JsonArray();
      for (int m = 0; m < 12; m++) {
        Object flag = flags.getValue(m);
        if (Boolean.TRUE.equals(flag) || (flag instanceof Number n && n.intValue() != 0)) {
          only.add(m + 1);
        }
      }
      if (!only.isEmpty()) {
        ratchet.put("onlyMonths", only);
      }
    }
    return ratchet;
  }

  /** Each period's tiers as our price: {"rate": r} or {"tiers": [...]}; URDB's rate + adj, exact. */
  private static List<JsonObject> structure(JsonObject record, String key, String unit) {
    JsonArray periods = array(record, key, -1, "/" + key);
    if (periods.isEmpty() || periods.size() > 24) {
      throw unsupported("/" + key, key + " must list 1 to 24 periods");
    }
    List<JsonObject> out = new ArrayList<>();
    for (int p = 0; p < periods.size(); p++) {
      String pointer = "/" + key + "/" + p;
      if (!(periods.getValue(p) instanceof JsonArray tiers) || tiers.isEmpty()) {
        throw unsupported(pointer, "each period is a non-empty array of tiers");
      }
      JsonArray ours = new JsonArray();
      for (int t = 0; t < tiers.size(); t++) {
        if (!(tiers.getValue(t) instanceof JsonObject tier)) {
          throw unsupported(pointer + "/" + t, "a tier is an object");
        }
        String tierUnit = tier.getString("unit", unit);
        if (!tierUnit.equals(unit) && !tierUnit.equals(unit + " daily")) {
          throw unsupported(pointer + "/" + t + "/unit", "tiers in " + tierUnit + " are not supported");
        }
        BigDecimal rate = tier.getValue("rate") == null ? BigDecimal.ZERO : decimalAt(tier, "rate", pointer + "/" + t + "/rate");
        BigDecimal adj = tier.getValue("adj") == null ? BigDecimal.ZERO : decimalAt(tier, "adj", pointer + "/" + t + "/adj");
        JsonObject ourTier = new JsonObject().put("rate", rate.add(adj).toPlainString());
        if (t < tiers.size() - 1) {
          if (tier.getValue("max") == null) {
            throw unsupported(pointer + "/" + t + "/max", "every tier but the last needs max");
          }
          ourTier.put("upTo", decimalAt(tier, "max", pointer + "/" + t + "/max").toPlainString());
        }
        ours.add(ourTier);
      }
      out.add(ours.size() == 1 ? new JsonObject().put("rate", ours.getJsonObject(0).getString("rate"))
        : new JsonObject().put("tiers", ours));
    }
    return out;
  }

  private static boolean tierBasisDaily(JsonObject record) {
    for (Object period : record.getJsonArray("energyratestructure")) {
      for (Object tier : (JsonArray) period) {
        if (((JsonObject) tier).getString("unit", "kWh").endsWith("daily")) {
          return true;
        }
      }
    }
    return false;
  }

  private static JsonObject schedule(JsonObject record, String id, String prefix, String weekdayKey, String weekendKey,
                                     int periods) {
    int[][] weekday = matrix(record, weekdayKey, periods);
    int[][] weekend = matrix(record, weekendKey, periods);
    JsonArray periodIds = new JsonArray();
    for (int i = 0; i < periods; i++) {
      periodIds.add(prefix + i);
    }
    JsonArray seasons = new JsonArray();
    JsonArray windows = new JsonArray();
    for (int[] run : monthRuns(weekday, weekend)) {
      String season = String.format("m%02d-m%02d", run[0] + 1, run[1] + 1);
      seasons.add(new JsonObject().put("id", season).put("from", String.format("%02d-01", run[0] + 1))
        .put("to", MONTH_END[run[1]]));
      boolean same = Arrays.equals(weekday[run[0]], weekend[run[0]]);
      addWindows(windows, prefix, season, weekday[run[0]], same ? null : new JsonArray().add("weekday"));
      if (!same) {
        addWindows(windows, prefix, season, weekend[run[0]], new JsonArray().add("weekend").add("holiday"));
      }
    }
    return new JsonObject().put("id", id).put("periods", periodIds).put("seasons", seasons).put("windows", windows);
  }

  /** Runs of consecutive months with equal rows, as [first, last] (last < first wraps the year end). */
  private static List<int[]> monthRuns(int[][] weekday, int[][] weekend) {
    List<int[]> runs = new ArrayList<>();
    int start = 0;
    for (int m = 1; m <= 12; m++) {
      if (m == 12 || !sameRows(weekday, weekend, m, start)) {
        runs.add(new int[] {start, m - 1});
        start = m;
      }
    }
    if (runs.size() > 1 && sameRows(weekday, weekend, 0, 11)) {
      int[] last = runs.remove(runs.size() - 1);
      runs.get(0)[0] = last[0];
    }
    return runs;
  }

  private static boolean sameRows(int[][] weekday, int[][] weekend, int a, int b) {
    return Arrays.equals(weekday[a], weekday[b]) && Arrays.equals(weekend[a], weekend[b]);
  }

  private static void addWindows(JsonArray windows, String prefix, String season, int[] hours, JsonArray dayTypes) {
    int from = 0;
    for (int h = 1; h <= 24; h++) {
      if (h == 24 || hours[h] != hours[from]) {
        JsonObject w = new JsonObject().put("period", prefix + hours[from]).put("seasons", new JsonArray().add(season))
          .put("from", String.format("%02d:00", from)).put("to", String.format("%02d:00", h));
        if (dayTypes != null) {
          w.put("dayTypes", dayTypes.copy());
        }
        windows.add(w);
        from = h;
      }
    }
  }

  private static int[][] matrix(JsonObject record, String key, int periods) {
    JsonArray rows = array(record, key, 12, "/" + key);
    int[][] out = new int[12][24];
    for (int m = 0; m < 12; m++) {
      if (!(rows.getValue(m) instanceof JsonArray row) || row.size() != 24) {
        throw unsupported("/" + key + "/" + m, "each month of " + key + " has 24 hours");
      }
      for (int h = 0; h < 24; h++) {
        out[m][h] = index(row.getValue(h), periods, "/" + key + "/" + m + "/" + h);
      }
    }
    return out;
  }

  private static int index(Object value, int size, String pointer) {
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 0
      || n.intValue() >= size) {
      throw unsupported(pointer, "a period index from 0 to " + (size - 1) + " was expected");
    }
    return n.intValue();
  }

  private static JsonArray array(JsonObject record, String key, int size, String pointer) {
    if (!(record.getValue(key) instanceof JsonArray array) || (size >= 0 && array.size() != size)) {
      throw unsupported(pointer, "'" + key + "' must be an array" + (size >= 0 ? " of " + size : ""));
    }
    return array;
  }
}
