package io.gridledger.tariff;

import io.vertx.core.json.JsonObject;

import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed, validated tariff version document (JSON in the database, documented in docs/tariffs.md). Immutable once
 * parsed, so one instance may rate on many threads at once.
 */
public final class TariffDocument {

  /** Utility -> the units its quantities may be priced in. */
  static final Map<String, Set<String>> UNITS = Map.of(
    "electricity", Set.of("kWh"),
    "water", Set.of("m3"),
    "gas", Set.of("kWh", "m3"),
    "heat", Set.of("kWh", "MWh"),
    "cooling", Set.of("kWh", "MWh"));
  static final Set<String> ROUNDING_MODES = Set.of("HALF_UP", "HALF_EVEN", "HALF_DOWN", "UP", "DOWN", "CEILING", "FLOOR");

  /** Where amounts are rounded to minor units: each line, or each component's total (spread over its lines). */
  enum RoundingScope { LINE, COMPONENT }

  private final JsonObject json;
  private final String utility;
  private final String unit;
  private final String currency;
  private final RoundingMode roundingMode;
  private final RoundingScope roundingScope;
  private final Set<DayOfWeek> weekendDays;
  private final int demandWindowMinutes;
  private final Map<String, TouSchedule> schedules;
  private final List<Component> components;

  private TariffDocument(JsonObject json, String utility, String unit, String currency, RoundingMode roundingMode,
                         RoundingScope roundingScope, Set<DayOfWeek> weekendDays, int demandWindowMinutes,
                         Map<String, TouSchedule> schedules, List<Component> components) {
    this.json = json;
    this.utility = utility;
    this.unit = unit;
    this.currency = currency;
    this.roundingMode = roundingMode;
    this.roundingScope = roundingScope;
    this.weekendDays = weekendDays;
    this.demandWindowMinutes = demandWindowMinutes;
    this.schedules = schedules;
    this.components = components;
  }

  /** Throws {@link TariffValidationException} naming the JSON pointer of the first bad field. */
  public static TariffDocument parse(JsonObject source) {
    if (source == null) {
      throw new TariffValidationException("", "the tariff document is missing");
    }
    JsonObject json = source.copy();
    DocReader r = new DocReader(json, "");
    r.onlyKeys(Set.of("utility", "unit", "currency", "description", "rounding", "weekendDays", "demandWindowMinutes",
      "schedules", "components"));
    String utility = r.oneOf("utility", null, UNITS.keySet());
    String unit = r.string("unit");
    if (!UNITS.get(utility).contains(unit)) {
      throw r.fail("unit", utility + " is priced in one of " + UNITS.get(utility) + ", not '" + unit + "'");
    }
    String currency = r.string("currency");
    try {
      java.util.Currency.getInstance(currency);
    } catch (IllegalArgumentException e) {
      throw r.fail("currency", "'" + currency + "' is not an ISO 4217 currency code");
    }
    if (r.has("description")) {
      r.string("description");
    }
    RoundingMode mode = RoundingMode.HALF_UP;
    RoundingScope scope = RoundingScope.LINE;
    if (r.has("rounding")) {
      DocReader rounding = r.object("rounding");
      rounding.onlyKeys(Set.of("mode", "scope"));
      mode = RoundingMode.valueOf(rounding.oneOf("mode", "HALF_UP", ROUNDING_MODES));
      scope = RoundingScope.valueOf(rounding.oneOf("scope", "line", Set.of("line", "component")).toUpperCase());
    }
    Set<DayOfWeek> weekend = weekendDays(r);
    int window = r.integer("demandWindowMinutes", 15, 1, 1440);
    Map<String, TouSchedule> schedules = new LinkedHashMap<>();
    Set<String> periodIds = new HashSet<>();
    if (r.has("schedules")) {
      for (DocReader s : r.objects("schedules", 0, 8)) {
        TouSchedule schedule = TouSchedule.parse(s);
        if (schedules.put(schedule.id, schedule) != null) {
          throw s.fail("id", "schedule '" + schedule.id + "' is defined twice");
        }
        for (String period : schedule.periods) {
          if (!periodIds.add(period)) {
            // Peaks kept for ratchets are keyed by period id alone, so ids are unique across schedules.
            throw s.fail("periods", "period '" + period + "' is used in another schedule too");
          }
        }
      }
    }
    List<Component> components = ComponentParser.parseAll(r, unit, schedules);
    return new TariffDocument(json, utility, unit, currency, mode, scope, weekend, window,
      Collections.unmodifiableMap(schedules), List.copyOf(components));
  }

  private static Set<DayOfWeek> weekendDays(DocReader r) {
    if (!r.has("weekendDays")) {
      return EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
    }
    List<String> names = r.strings("weekendDays", 0, 7);
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (int i = 0; i < names.size(); i++) {
      try {
        days.add(DayOfWeek.valueOf(names.get(i)));
      } catch (IllegalArgumentException e) {
        throw new TariffValidationException("/weekendDays/" + i, "'" + names.get(i) + "' is not a day such as SATURDAY");
      }
    }
    return days;
  }

  /** The validated document, decimals as canonical strings. */
  public JsonObject toJson() {
    return json.copy();
  }

  public String utility() {
    return utility;
  }

  public String unit() {
    return unit;
  }

  public String currency() {
    return currency;
  }

  RoundingMode roundingMode() {
    return roundingMode;
  }

  RoundingScope roundingScope() {
    return roundingScope;
  }

  Set<DayOfWeek> weekendDays() {
    return weekendDays;
  }

  int demandWindowMinutes() {
    return demandWindowMinutes;
  }

  Map<String, TouSchedule> schedules() {
    return schedules;
  }

  List<TouSchedule> scheduleList() {
    return new ArrayList<>(schedules.values());
  }

  List<Component> components() {
    return components;
  }
}
