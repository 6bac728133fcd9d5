package io.gridledger.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Historic readings as CSV: a header {@code meter,register,ts,value,unit}, then one reading per line. Each line goes
 * through the same checks as a JSON reading; a line that does not even split into five fields is dead-lettered with
 * its line number.
 */
final class CsvReadings {

  private static final String HEADER = "meter,register,ts,value,unit";

  private CsvReadings() {
  }

  static ReadingBatchParser.Parsed parse(String csv, Instant now) {
    String[] lines = csv.split("\r?\n");
    List<Rejection> rejected = new ArrayList<>();
    JsonArray readings = new JsonArray();
    int first = lines.length > 0 && lines[0].trim().equalsIgnoreCase(HEADER) ? 1 : 0;
    if (first == 0) {
      return new ReadingBatchParser.Parsed(null, List.of(), List.of(new Rejection(null, null,
        "CSV must start with the header " + HEADER, ReadingBatchParser.echo(csv))));
    }
    for (int i = first; i < lines.length; i++) {
      String line = lines[i].trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != 5) {
        rejected.add(new Rejection(null, null, "line " + (i + 1) + ": expected 5 fields", line));
        continue;
      }
      Object value = f[3].trim();
      try {
        double parsed = Double.parseDouble(f[3].trim());
        value = Double.isFinite(parsed) ? parsed : value;   // NaN stays text, so the element check rejects it
      } catch (NumberFormatException e) {
        // left as text: rejected below as "not a number"
      }
      readings.add(new JsonObject().put("meter", f[0].trim()).put("register", f[1].trim()).put("ts", f[2].trim())
        .put("value", value).put("unit", f[4].trim()));
    }
    ReadingBatchParser.Parsed parsed = ReadingBatchParser.parse(
      Buffer.buffer(new JsonObject().put("readings", readings).encode()), now);
    rejected.addAll(parsed.rejections());
    return new ReadingBatchParser.Parsed(null, parsed.readings(), rejected);
  }
}
