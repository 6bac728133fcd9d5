package io.gridledger.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.TreeSet;

/**
 * The report as CSV (RFC 4180): one line per row, quantities in the row's unit as decimals, one column per TOU
 * period that occurs anywhere in the report ("tou_" + period), empty where a row has none.
 */
final class ReportCsv {

  private ReportCsv() {
  }

  static String of(JsonObject report) {
    JsonArray rows = report.getJsonArray("rows");
    TreeSet<String> periods = new TreeSet<>();
    for (int i = 0; i < rows.size(); i++) {
      periods.addAll(rows.getJsonObject(i).getJsonObject("tou").fieldNames());
    }
    StringBuilder out = new StringBuilder("group,group_id,label,utility,unit,quantity,estimated");
    periods.forEach(p -> out.append(',').append(cell("tou_" + p)));
    out.append("\r\n");
    for (int i = 0; i < rows.size(); i++) {
      JsonObject r = rows.getJsonObject(i);
      out.append(cell(r.getString("group"))).append(',').append(cell(r.getString("groupId"))).append(',')
        .append(cell(r.getString("label"))).append(',').append(cell(r.getString("utility"))).append(',')
        .append(cell(r.getString("unit"))).append(',').append(r.getString("quantity")).append(',')
        .append(r.getBoolean("estimated"));
      JsonObject tou = r.getJsonObject("tou");
      for (String p : periods) {
        out.append(',');
        if (tou.containsKey(p)) {
          out.append(BigDecimal.valueOf(tou.getLong(p), 3).toPlainString());
        }
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  /** Quotes a cell when it holds a comma, quote or line break; a leading = + - @ is defused (spreadsheet formulas). */
  static String cell(String value) {
    if (value == null) {
      return "";
    }
    String v = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
