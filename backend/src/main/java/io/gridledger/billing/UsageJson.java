package io.gridledger.billing;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.gridledger.allocation.TenantUsage;
import io.gridledger.allocation.UsageSource;
import io.gridledger.tariff.PeakDemand;

import java.util.Map;

/**
 * Writes an invoice's usage document (per utility: unit, service days, total, estimated, meter sources with reads,
 * daily totals, peaks) straight into text: the text {@code JsonArray.encode()} gives for the same tree, key for key and
 * byte for byte, because the invoice fingerprint hashes it and an invoice stored before must keep its fingerprint.
 * A bill run writes one per tenant; building a tree of JsonObjects and serializing it through Jackson's data binding
 * cost more than rating the tenant's intervals, and in a freshly started server kept the JIT compiler busy with
 * Jackson's serializers while the run waited for the cores. {@code UsageJsonTest} checks the equality.
 */
final class UsageJson {

  private static final JsonStringEncoder ESCAPES = JsonStringEncoder.getInstance();

  private final StringBuilder out = new StringBuilder(1536);
  private boolean empty = true;

  UsageJson() {
    out.append('[');
  }

  /** Appends one utility's usage with its peaks and its site-local daily totals. */
  UsageJson add(TenantUsage usage, Iterable<PeakDemand> peaks, long[] daily) {
    out.append(empty ? "" : ",");
    empty = false;
    out.append("{\"utility\":");
    string(out, usage.utility());
    out.append(",\"unit\":");
    string(out, usage.unit());
    out.append(",\"serviceStart\":");
    string(out, usage.serviceStart().toString());
    out.append(",\"serviceEnd\":");
    string(out, usage.serviceEnd().toString());
    out.append(",\"totalMilli\":").append(usage.totalMilli());
    out.append(",\"estimated\":").append(usage.estimated());
    out.append(",\"sources\":[");
    boolean firstSource = true;
    for (UsageSource s : usage.sources()) {
      out.append(firstSource ? "{" : ",{");
      firstSource = false;
      out.append("\"meterId\":");
      string(out, s.meterId() == null ? null : s.meterId().toString());
      out.append(",\"meterSerial\":");
      string(out, s.meterSerial());
      out.append(",\"register\":");
      string(out, s.register());
      out.append(",\"ruleId\":");
      string(out, s.ruleId() == null ? null : s.ruleId().toString());
      out.append(",\"ruleKind\":");
      string(out, s.ruleKind());
      out.append(",\"shareMilli\":").append(s.shareMilli());
      out.append(",\"meteredMilli\":").append(s.meteredMilli());
      out.append(",\"openingRead\":");
      number(out, s.openingRead());
      out.append(",\"closingRead\":");
      number(out, s.closingRead());
      out.append(",\"estimated\":").append(s.estimated()).append('}');
    }
    out.append("],\"dailyMilli\":[");
    for (int d = 0; d < daily.length; d++) {
      out.append(d == 0 ? "" : ",").append(daily[d]);
    }
    out.append("],\"peaks\":[");
    boolean firstPeak = true;
    for (PeakDemand p : peaks) {
      out.append(firstPeak ? "{" : ",{");
      firstPeak = false;
      out.append("\"month\":");
      string(out, p.month().toString());
      out.append(",\"touPeriod\":");
      string(out, p.touPeriod());
      out.append(",\"kw\":");
      string(out, p.kw().toPlainString());
      out.append('}');
    }
    out.append("]}");
    return this;
  }

  String encode() {
    return out + "]";
  }

  /** An object of whole numbers by name, in the map's order: what {@code new JsonObject(map).encode()} gives. */
  static String numbersByName(Map<String, Long> values) {
    StringBuilder text = new StringBuilder(64).append('{');
    boolean first = true;
    for (Map.Entry<String, Long> e : values.entrySet()) {
      text.append(first ? "" : ",");
      first = false;
      string(text, e.getKey());
      text.append(':').append(e.getValue());
    }
    return text.append('}').toString();
  }

  /** A JSON string with Jackson's own escapes (the generator behind {@code encode()} uses the same table), or null. */
  private static void string(StringBuilder text, String value) {
    if (value == null) {
      text.append("null");
      return;
    }
    text.append('"').append(ESCAPES.quoteAsString(value)).append('"');
  }

  /** As Jackson writes a Double: {@link Double#toString} when finite, else the same as a quoted string. */
  private static void number(StringBuilder text, Double value) {
    if (value == null) {
      text.append("null");
    } else if (Double.isFinite(value)) {
      text.append(value.doubleValue());
    } else {
      string(text, value.toString());
    }
  }
}
