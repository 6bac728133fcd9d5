package io.gridledger.tariff;

import io.vertx.core.json.JsonArray;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Parses the {@code components} array of a tariff document, checking every reference between components. */
final class ComponentParser {

  private static final Set<String> COMMON = Set.of("id", "kind", "description", "months");

  private ComponentParser() {
  }

  static List<Component> parseAll(DocReader doc, String unit, Map<String, TouSchedule> schedules) {
    List<DocReader> entries = doc.objects("components", 1, 100);
    List<Component> out = new ArrayList<>();
    Map<String, Component> byId = new HashMap<>();
    for (DocReader c : entries) {
      Component component = parse(c, unit, schedules, byId);
      if (byId.putIfAbsent(component.id(), component) != null) {
        throw c.fail("id", "component id '" + component.id() + "' is used twice");
      }
      out.add(component);
    }
    return out;
  }

  private static Component parse(DocReader c, String unit, Map<String, TouSchedule> schedules,
                                 Map<String, Component> earlier) {
    String kind = c.oneOf("kind", null, Set.of("fixed", "energy", "demand", "minimum", "tax"));
    String id = c.string("id");
    String description = c.optString("description", id);
    Set<Integer> months = months(c);
    return switch (kind) {
      case "fixed" -> {
        c.onlyKeys(with("amount", "per"));
        yield new Component.Fixed(id, description, months, c.decimal("amount"), per(c, true));
      }
      case "energy" -> energy(c, id, description, months, schedules);
      case "demand" -> demand(c, id, description, months, unit, schedules);
      case "minimum" -> {
        c.onlyKeys(with("amount", "per", "appliesTo"));
        yield new Component.Minimum(id, description, months, c.nonNegative("amount"), per(c, false),
          appliesTo(c, earlier, false));
      }
      default -> tax(c, id, description, months, earlier);
    };
  }

  private static Component energy(DocReader c, String id, String description, Set<Integer> months,
                                  Map<String, TouSchedule> schedules) {
    c.onlyKeys(with("rate", "tiers", "schedule", "rates", "tierBasis", "perPerson"));
    Component.TierBasis basis = Component.TierBasis.valueOf(
      c.oneOf("tierBasis", "period", Set.of("period", "day", "year")).toUpperCase());
    boolean perPerson = c.bool("perPerson", false);
    if (c.has("rates")) {
      if (c.has("rate") || c.has("tiers")) {
        throw c.fail("rates", "give either 'rates' per period or 'rate'/'tiers', not both");
      }
      if (basis == Component.TierBasis.YEAR) {
        throw c.fail("tierBasis", "annual tiers count all usage, so they cannot be split by time-of-use period");
      }
      TouSchedule schedule = schedule(c, schedules);
      return new Component.Energy(id, description, months, null, schedule.id, periodPrices(c, schedule), basis,
        perPerson);
    }
    DocReader priceReader = new DocReader(c.json(), c.pointer());
    return new Component.Energy(id, description, months, Price.parse(priceReader), null, null, basis, perPerson);
  }

  private static Component demand(DocReader c, String id, String description, Set<Integer> months, String unit,
                                  Map<String, TouSchedule> schedules) {
    c.onlyKeys(with("rate", "tiers", "schedule", "rates", "ratchet", "prorate"));
    if (!unit.equals("kWh")) {
      throw c.fail("kind", "demand charges need energy in kWh (demand in kW), the tariff's unit is " + unit);
    }
    Component.Ratchet ratchet = c.has("ratchet") ? ratchet(c.object("ratchet")) : null;
    boolean prorate = c.bool("prorate", false);
    if (c.has("rates")) {
      if (c.has("rate") || c.has("tiers")) {
        throw c.fail("rates", "give either 'rates' per period or 'rate'/'tiers', not both");
      }
      TouSchedule schedule = schedule(c, schedules);
      return new Component.Demand(id, description, months, null, schedule.id, periodPrices(c, schedule), ratchet,
        prorate);
    }
    return new Component.Demand(id, description, months, Price.parse(c), null, null, ratchet, prorate);
  }

  private static Component.Ratchet ratchet(DocReader r) {
    r.onlyKeys(Set.of("percent", "months", "onlyMonths"));
    BigDecimal percent = r.positive("percent");
    if (percent.compareTo(BigDecimal.valueOf(100)) > 0) {
      throw r.fail("percent", "a ratchet percentage is at most 100");
    }
    int months = r.integer("months", 11, 1, 36);
    Set<Integer> only = r.has("onlyMonths") ? monthList(r, "onlyMonths") : null;
    return new Component.Ratchet(percent, months, only);
  }

  private static Component tax(DocReader c, String id, String description, Set<Integer> months,
                               Map<String, Component> earlier) {
    c.onlyKeys(with("percent", "perUnit", "appliesTo"));
    if (c.has("percent") == c.has("perUnit")) {
      throw c.fail(null, "a tax has either 'percent' or 'perUnit'");
    }
    List<String> appliesTo = appliesTo(c, earlier, true);
    if (c.has("perUnit")) {
      if (appliesTo != null) {
        for (int i = 0; i < appliesTo.size(); i++) {
          if (!(earlier.get(appliesTo.get(i)) instanceof Component.Energy)) {
            throw new TariffValidationException(c.at("appliesTo") + "/" + i,
              "a per-unit levy applies to energy components only; '" + appliesTo.get(i) + "' is not one");
          }
        }
      }
      return new Component.Tax(id, description, months, null, c.decimal("perUnit"), appliesTo);
    }
    return new Component.Tax(id, description, months, c.decimal("percent"), null, appliesTo);
  }

  /** Component ids this one is computed from; they must come earlier in the document (no cycles by construction). */
  private static List<String> appliesTo(DocReader c, Map<String, Component> earlier, boolean taxesAllowed) {
    if (!c.has("appliesTo")) {
      return null;
    }
    List<String> ids = c.strings("appliesTo", 1, 100);
    for (int i = 0; i < ids.size(); i++) {
      Component target = earlier.get(ids.get(i));
      String field = c.at("appliesTo") + "/" + i;
      if (target == null) {
        throw new TariffValidationException(field, "'" + ids.get(i) + "' is not a component listed before this one");
      }
      if (target instanceof Component.Minimum && !taxesAllowed) {
        throw new TariffValidationException(field, "a minimum charge cannot apply to another minimum charge");
      }
      if (target instanceof Component.Tax && !taxesAllowed) {
        throw new TariffValidationException(field, "a minimum charge applies before taxes, not to '" + ids.get(i) + "'");
      }
    }
    return List.copyOf(ids);
  }

  private static TouSchedule schedule(DocReader c, Map<String, TouSchedule> schedules) {
    if (c.has("schedule")) {
      TouSchedule s = schedules.get(c.string("schedule"));
      if (s == null) {
        throw c.fail("schedule", "'" + c.string("schedule") + "' is not one of the schedules " + schedules.keySet());
      }
      return s;
    }
    if (schedules.size() != 1) {
      throw c.fail("schedule", "name the schedule whose periods 'rates' uses (the tariff has " + schedules.size() + ")");
    }
    return schedules.values().iterator().next();
  }

  private static Map<String, Price> periodPrices(DocReader c, TouSchedule schedule) {
    DocReader rates = c.object("rates");
    if (rates.json().isEmpty()) {
      throw c.fail("rates", "'rates' names at least one period");
    }
    Map<String, Price> prices = new LinkedHashMap<>();
    for (String period : schedule.periods) {
      if (rates.has(period)) {
        prices.put(period, Price.parseValue(rates, period));
      }
    }
    for (String key : rates.json().fieldNames()) {
      if (schedule.periodIndex(key) < 0) {
        throw rates.fail(key, "'" + key + "' is not a period of schedule '" + schedule.id + "'");
      }
    }
    return prices;
  }

  private static Component.Per per(DocReader c, boolean yearAllowed) {
    Set<String> allowed = yearAllowed ? Set.of("day", "month", "year") : Set.of("day", "month");
    return Component.Per.valueOf(c.oneOf("per", "month", allowed).toUpperCase());
  }

  private static Set<Integer> months(DocReader c) {
    return c.has("months") ? monthList(c, "months") : null;
  }

  private static Set<Integer> monthList(DocReader c, String key) {
    JsonArray array = c.array(key, 1, 12);
    Set<Integer> months = new TreeSet<>();
    for (int i = 0; i < array.size(); i++) {
      Object value = array.getValue(i);
      if (!(value instanceof Integer m) || m < 1 || m > 12 || !months.add(m)) {
        throw new TariffValidationException(c.at(key) + "/" + i, "months are distinct integers from 1 to 12");
      }
    }
    return Set.copyOf(months);
  }

  private static Set<String> with(String... keys) {
    Set<String> all = new java.util.HashSet<>(COMMON);
    all.addAll(List.of(keys));
    return all;
  }
}
