package io.gridledger.tariff;

import java.time.LocalDate;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled time-of-use schedule: for every season and day type, a table from site-local minute of day to period.
 * Windows are minute ranges in local wall-clock time, so on a 25-hour day the repeated hour looks up the same minutes
 * twice (it belongs to its window twice) and on a 23-hour day the skipped hour is simply never looked up.
 */
final class TouSchedule {

  static final int MINUTES_PER_DAY = 1440;
  static final String[] DAY_TYPES = {"weekday", "weekend", "holiday"};
  static final int WEEKDAY = 0;
  static final int WEEKEND = 1;
  static final int HOLIDAY = 2;

  final String id;
  final String[] periods;
  /** Season index for each day of a leap year (index 0 = 01-01, 59 = 02-29). */
  private final byte[] seasonByDayOfLeapYear;
  /** [season * 3 + dayType] -> period index for each minute of the day. */
  private final byte[][] tables;

  private TouSchedule(String id, String[] periods, byte[] seasonByDayOfLeapYear, byte[][] tables) {
    this.id = id;
    this.periods = periods;
    this.seasonByDayOfLeapYear = seasonByDayOfLeapYear;
    this.tables = tables;
  }

  int periodIndex(String period) {
    for (int i = 0; i < periods.length; i++) {
      if (periods[i].equals(period)) {
        return i;
      }
    }
    return -1;
  }

  /** The minute-to-period table that applies on a local date of the given day type. */
  byte[] tableFor(LocalDate date, int dayType) {
    int season = seasonByDayOfLeapYear[dayOfLeapYear(date.getMonthValue(), date.getDayOfMonth())];
    return tables[season * 3 + dayType];
  }

  private static final int[] LEAP_YEAR_MONTH_START = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335};

  static int dayOfLeapYear(int month, int day) {
    return LEAP_YEAR_MONTH_START[month - 1] + day - 1;
  }

  static TouSchedule parse(DocReader r) {
    r.onlyKeys(Set.of("id", "seasons", "periods", "defaultPeriod", "windows"));
    String id = r.string("id");
    List<String> periodList = r.strings("periods", 1, 24);
    if (Set.copyOf(periodList).size() != periodList.size()) {
      throw r.fail("periods", "period ids must be unique");
    }
    String[] periods = periodList.toArray(new String[0]);
    Map<String, Integer> seasonIds = new HashMap<>();
    byte[] seasonByDay = parseSeasons(r, seasonIds);
    int defaultPeriod = -1;
    if (r.has("defaultPeriod")) {
      defaultPeriod = periodList.indexOf(r.string("defaultPeriod"));
      if (defaultPeriod < 0) {
        throw r.fail("defaultPeriod", "'" + r.string("defaultPeriod") + "' is not one of the periods " + periodList);
      }
    }
    byte[][] tables = new byte[seasonIds.size() * 3][MINUTES_PER_DAY];
    for (byte[] table : tables) {
      Arrays.fill(table, (byte) -1);
    }
    List<DocReader> windows = r.has("windows") ? r.objects("windows", 0, 2000) : List.of();
    for (DocReader w : windows) {
      applyWindow(w, periodList, seasonIds, tables);
    }
    for (int t = 0; t < tables.length; t++) {
      for (int m = 0; m < MINUTES_PER_DAY; m++) {
        if (tables[t][m] < 0) {
          if (defaultPeriod < 0) {
            throw r.fail("windows", "no window covers " + hhmm(m) + " on a " + DAY_TYPES[t % 3] + " in season '"
              + nameOf(seasonIds, t / 3) + "' and there is no defaultPeriod");
          }
          tables[t][m] = (byte) defaultPeriod;
        }
      }
    }
    return new TouSchedule(id, periods, seasonByDay, tables);
  }

  private static byte[] parseSeasons(DocReader r, Map<String, Integer> seasonIds) {
    byte[] seasonByDay = new byte[366];
    if (!r.has("seasons")) {
      seasonIds.put("all-year", 0);
      return seasonByDay;
    }
    Arrays.fill(seasonByDay, (byte) -1);
    List<DocReader> seasons = r.objects("seasons", 1, 24);
    for (DocReader s : seasons) {
      s.onlyKeys(Set.of("id", "from", "to"));
      String id = s.string("id");
      if (seasonIds.putIfAbsent(id, seasonIds.size()) != null) {
        throw s.fail("id", "season '" + id + "' is defined twice");
      }
      int from = monthDay(s, "from");
      int to = monthDay(s, "to");
      for (int d = from; ; d = (d + 1) % 366) {
        if (seasonByDay[d] >= 0) {
          throw s.fail(null, "season '" + id + "' overlaps another season on " + dayName(d));
        }
        seasonByDay[d] = seasonIds.get(id).byteValue();
        if (d == to) {
          break;
        }
      }
    }
    for (int d = 0; d < 366; d++) {
      if (seasonByDay[d] < 0) {
        throw r.fail("seasons", "no season covers " + dayName(d) + "; seasons must cover the whole year");
      }
    }
    return seasonByDay;
  }

  private static void applyWindow(DocReader w, List<String> periods, Map<String, Integer> seasonIds, byte[][] tables) {
    w.onlyKeys(Set.of("period", "seasons", "dayTypes", "from", "to"));
    int period = periods.indexOf(w.string("period"));
    if (period < 0) {
      throw w.fail("period", "'" + w.string("period") + "' is not one of the periods " + periods);
    }
    List<Integer> seasons = new ArrayList<>();
    if (w.has("seasons")) {
      List<String> names = w.strings("seasons", 1, 24);
      for (int i = 0; i < names.size(); i++) {
        Integer s = seasonIds.get(names.get(i));
        if (s == null) {
          throw new TariffValidationException(w.at("seasons") + "/" + i, "'" + names.get(i) + "' is not a season");
        }
        seasons.add(s);
      }
    } else {
      seasonIds.values().forEach(seasons::add);
    }
    List<Integer> dayTypes = new ArrayList<>();
    List<String> typeNames = w.has("dayTypes") ? w.strings("dayTypes", 1, 3) : List.of(DAY_TYPES);
    for (int i = 0; i < typeNames.size(); i++) {
      int type = List.of(DAY_TYPES).indexOf(typeNames.get(i));
      if (type < 0) {
        throw new TariffValidationException(w.at("dayTypes") + "/" + i, "'" + typeNames.get(i)
          + "' is not one of weekday, weekend, holiday");
      }
      dayTypes.add(type);
    }
    int from = minuteOfDay(w, "from", false);
    int to = minuteOfDay(w, "to", true);
    if (from == to) {
      throw w.fail("to", "a window must not be empty (from equals to)");
    }
    for (int season : seasons) {
      for (int type : dayTypes) {
        byte[] table = tables[season * 3 + type];
        // from > to wraps past midnight, e.g. 22:00-06:00.
        for (int m = from; m != to; m = (m + 1) % MINUTES_PER_DAY) {
          if (table[m] >= 0) {
            throw w.fail(null, "window overlaps another window at " + hhmm(m) + " on a " + DAY_TYPES[type]
              + " in season '" + nameOf(seasonIds, season) + "'");
          }
          table[m] = (byte) period;
          if (to == MINUTES_PER_DAY && m == MINUTES_PER_DAY - 1) {
            break;
          }
        }
      }
    }
  }

  private static int monthDay(DocReader r, String key) {
    String text = r.string(key);
    try {
      MonthDay md = MonthDay.parse("--" + text);
      return dayOfLeapYear(md.getMonthValue(), md.getDayOfMonth());
    } catch (java.time.format.DateTimeParseException e) {
      throw r.fail(key, "'" + text + "' is not a month-day such as 04-01");
    }
  }

  private static int minuteOfDay(DocReader r, String key, boolean allow24) {
    String text = r.string(key);
    if (!text.matches("[0-2][0-9]:[0-5][0-9]")) {
      throw r.fail(key, "'" + text + "' is not a time such as 08:00");
    }
    int minute = Integer.parseInt(text.substring(0, 2)) * 60 + Integer.parseInt(text.substring(3));
    if (minute > MINUTES_PER_DAY || (minute == MINUTES_PER_DAY && !allow24)) {
      throw r.fail(key, "'" + text + "' is not a time of day (00:00 to 23:59, or 24:00 as an end)");
    }
    return minute;
  }

  private static String nameOf(Map<String, Integer> ids, int index) {
    return ids.entrySet().stream().filter(e -> e.getValue() == index).map(Map.Entry::getKey).findFirst().orElse("?");
  }

  private static String dayName(int dayOfLeapYear) {
    LocalDate d = LocalDate.ofYearDay(2000, dayOfLeapYear + 1);
    return String.format("%02d-%02d", d.getMonthValue(), d.getDayOfMonth());
  }

  private static String hhmm(int minute) {
    return String.format("%02d:%02d", minute / 60, minute % 60);
  }
}
