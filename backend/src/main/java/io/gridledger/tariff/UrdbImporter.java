package io.gridledger.tariff;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns one OpenEI URDB rate record into our tariff document (docs/tariffs.md, "URDB import"). URDB money is USD
 * and its rates are copied exactly (rate + adj). What our model cannot express is refused with the URDB field's
 * pointer, never dropped silently.
 */
final class UrdbImporter {

  /** A record, or a part of it, that this importer does not take; {@code field} is a JSON pointer into the record. */
  static final class UnsupportedRecord extends RuntimeException {
    private final String slug;
    private final String field;

    UnsupportedRecord(String slug, String field, String message) {
      super(message, null, false, false);
      this.slug = slug;
      this.field = field;
    }

    String slug() {
      return slug;
    }

    String field() {
      return field;
    }
  }

  record Imported(JsonObject document, String name, LocalDate effectiveFrom, JsonObject source) {
  }

  private static final Set<String> REFUSED = Set.of("coincidentratestructure", "coincidentrateschedule");

  private UrdbImporter() {
  }

  static Imported convert(JsonObject record, String siteCurrency, ZoneId zone) {
    if (!"USD".equals(siteCurrency)) {
      throw new UnsupportedRecord("currency-mismatch", "siteId", "URDB rates are in USD; the site bills in "
        + siteCurrency);
    }
    for (String field : REFUSED) {
      if (record.getValue(field) != null) {
        throw unsupported("/" + field, "coincident demand charges are not supported");
      }
    }
    String demandUnits = record.getString("demandunits", "kW");
    if (!demandUnits.equals("kW")) {
      throw unsupported("/demandunits", "demand in " + demandUnits + " is not supported (kW only)");
    }
    JsonObject doc = new JsonObject().put("utility", "electricity").put("unit", "kWh").put("currency", "USD")
      .put("rounding", new JsonObject().put("mode", "HALF_UP").put("scope", "line"));
    if (record.getValue("name") instanceof String name) {
      doc.put("description", name.length() > 200 ? name.substring(0, 200) : name);
    }
    if (record.getValue("demandwindow") != null) {
      doc.put("demandWindowMinutes", intAt(record, "demandwindow", "/demandwindow"));
    }
    JsonArray schedules = new JsonArray();
    JsonArray components = new JsonArray();
    fixedCharge(record, components);
    UrdbSchedules.energy(record, schedules, components);
    UrdbSchedules.flatDemand(record, components);
    UrdbSchedules.touDemand(record, schedules, components);
    minimumCharge(record, components);
    if (components.isEmpty()) {
      throw unsupported("/energyratestructure", "the record has no charges this importer reads");
    }
    if (!schedules.isEmpty()) {
      doc.put("schedules", schedules);
    }
    doc.put("components", components);
    String utility = record.getString("utility", "URDB");
    String name = (utility + " " + record.getString("name", record.getString("label", "rate"))).trim();
    // URDB stamps a start date as midnight US Mountain time (06:00 UTC): its UTC date is the date it means.
    LocalDate from = record.getValue("startdate") instanceof Number start
      ? Instant.ofEpochSecond(start.longValue()).atZone(java.time.ZoneOffset.UTC).toLocalDate() : LocalDate.now(zone);
    JsonObject source = new JsonObject().put("format", "urdb").put("label", record.getString("label"))
      .put("uri", record.getString("uri")).put("utility", record.getString("utility"))
      .put("name", record.getString("name"));
    return new Imported(doc, name.length() > 200 ? name.substring(0, 200) : name, from, source);
  }

  private static void fixedCharge(JsonObject record, JsonArray components) {
    if (record.getValue("fixedchargefirstmeter") == null) {
      return;
    }
    String units = record.getString("fixedchargeunits", "$/month");
    String per = switch (units) {
      case "$/month" -> "month";
      case "$/day" -> "day";
      case "$/year" -> "year";
      default -> throw unsupported("/fixedchargeunits", "fixed charges in " + units + " are not supported");
    };
    components.add(new JsonObject().put("id", "fixed").put("kind", "fixed").put("description", "Fixed charge")
      .put("amount", decimalAt(record, "fixedchargefirstmeter", "/fixedchargefirstmeter").toPlainString())
      .put("per", per));
  }

  private static void minimumCharge(JsonObject record, JsonArray components) {
    if (record.getValue("mincharge") == null) {
      return;
    }
    String units = record.getString("minchargeunits", "$/month");
    String per = switch (units) {
      case "$/month" -> "month";
      case "$/day" -> "day";
      default -> throw unsupported("/minchargeunits", "a minimum charge in " + units
        + " is not supported (an annual minimum is not a monthly rule)");
    };
    components.add(new JsonObject().put("id", "minimum").put("kind", "minimum").put("description", "Minimum charge")
      .put("amount", decimalAt(record, "mincharge", "/mincharge").toPlainString()).put("per", per));
  }

  static BigDecimal decimalAt(JsonObject object, String key, String pointer) {
    BigDecimal value = DocReader.toDecimal(object.getValue(key));
    if (value == null) {
      throw unsupported(pointer, "'" + key + "' must be a number");
    }
    return value;
  }

  static int intAt(JsonObject object, String key, String pointer) {
    Object value = object.getValue(key);
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw unsupported(pointer, "'" + key + "' must be an integer");
    }
    return n.intValue();
  }

  static UnsupportedRecord unsupported(String field, String message) {
    return new UnsupportedRecord("unsupported-tariff", field, message);
  }

  static List<Object> list(JsonArray array) {
    List<Object> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}
