package io.gridledger.billing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * The printable bill: who and what period, the meters and their reads, a daily usage chart per utility, the charges,
 * taxes, total and due date. Blocking (PDFBox): called on a worker thread only.
 */
final class InvoicePdf {

  private static final float RIGHT = PdfCanvas.WIDTH - PdfCanvas.MARGIN;

  private InvoicePdf() {
  }

  static byte[] render(JsonObject invoice, BillingStore.SiteFacts site) {
    try (PDDocument doc = new PDDocument()) {
      PDDocumentInformation info = doc.getDocumentInformation();
      info.setTitle(title(invoice) + " " + invoice.getString("number", "(draft)"));
      info.setCreator("Gridledger");
      try (PdfCanvas c = new PdfCanvas(doc)) {
        header(c, invoice, site);
        usage(c, invoice);
        charges(c, invoice);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String title(JsonObject invoice) {
    String kind = invoice.getString("kind").equals("credit_note") ? "Credit note" : "Invoice";
    return invoice.getString("status").equals("issued") ? kind : kind + " (" + invoice.getString("status").toUpperCase() + ")";
  }

  private static void header(PdfCanvas c, JsonObject inv, BillingStore.SiteFacts site) throws IOException {
    c.text(PdfCanvas.MARGIN, site.name(), true, 16);
    c.textRight(RIGHT, title(inv), true, 16);
    c.down(22);
    c.textRight(RIGHT, "No. " + inv.getString("number", "not numbered yet"), true, 11);
    c.line("Bill to: " + inv.getString("tenantName"), true, 11);
    c.line("Account: " + inv.getString("tenantId") + " (" + inv.getString("billingMode") + ")", false, 9);
    LocalDate to = LocalDate.parse(inv.getString("periodTo")).minusDays(1);
    c.line("Billing period: " + inv.getString("periodFrom") + " to " + to + " (" + site.zone().getId() + ")", false, 10);
    String issued = inv.getString("issuedAt");
    c.line("Issued: " + (issued == null ? "not issued" : issued.substring(0, 10))
      + (inv.getString("dueDate") == null ? "" : "     Due date: " + inv.getString("dueDate")), false, 10);
    if (inv.getString("creditsNumber") != null) {
      c.line("This credit note reverses invoice " + inv.getString("creditsNumber") + " in full.", true, 10);
    }
    if (inv.getString("replacesNumber") != null) {
      c.line("This invoice replaces invoice " + inv.getString("replacesNumber") + " (corrected data).", true, 10);
    }
    c.rule();
  }

  private static void usage(PdfCanvas c, JsonObject inv) throws IOException {
    for (Object o : inv.getJsonArray("usage", new JsonArray())) {
      JsonObject u = (JsonObject) o;
      String unit = u.getString("unit");
      c.line(cap(u.getString("utility")) + ": " + milli(u.getLong("totalMilli")) + " " + unit
        + (u.getBoolean("estimated", false) ? "  (includes estimated data)" : ""), true, 11);
      c.line("Service " + u.getString("serviceStart") + " to " + LocalDate.parse(u.getString("serviceEnd")).minusDays(1),
        false, 9);
      c.need(14);
      String[] heads = {"Meter", "Register", "Allocation", "Opening read", "Closing read", "Your share"};
      float[] xs = {PdfCanvas.MARGIN, 130, 240, 330, 410, RIGHT};
      for (int i = 0; i < heads.length; i++) {
        if (i < 3) {
          c.text(xs[i], heads[i], true, 8);
        } else {
          c.textRight(i == 5 ? xs[i] : xs[i] + 70, heads[i], true, 8);
        }
      }
      c.down(11);
      for (Object s : u.getJsonArray("sources", new JsonArray())) {
        JsonObject src = (JsonObject) s;
        c.need(11);
        c.text(xs[0], src.getString("meterSerial"), false, 8);
        c.text(xs[1], src.getString("register"), false, 8);
        c.text(xs[2], src.getString("ruleKind") + (src.getBoolean("estimated", false) ? " (est.)" : ""), false, 8);
        c.textRight(xs[3] + 70, read(src.getValue("openingRead")), false, 8);
        c.textRight(xs[4] + 70, read(src.getValue("closingRead")), false, 8);
        c.textRight(xs[5], milli(src.getLong("shareMilli")) + " " + unit, false, 8);
        c.down(11);
      }
      chart(c, u.getJsonArray("dailyMilli", new JsonArray()), unit, inv.getString("periodFrom"));
    }
    c.rule();
  }

  /** Daily bars, scaled to the largest day; the first day of the period on the left. */
  private static void chart(PdfCanvas c, JsonArray daily, String unit, String from) throws IOException {
    if (daily.isEmpty()) {
      return;
    }
    float height = 80;
    c.need(height + 30);
    c.down(4);
    long max = 1;
    for (int i = 0; i < daily.size(); i++) {
      max = Math.max(max, daily.getLong(i));
    }
    float left = PdfCanvas.MARGIN + 40;
    float width = RIGHT - left;
    float slot = width / daily.size();
    float base = c.y - height;
    c.rect(left, base, width, 0.5f, 0.3f);
    for (int i = 0; i < daily.size(); i++) {
      float h = height * daily.getLong(i) / max;
      c.rect(left + i * slot + slot * 0.15f, base, slot * 0.7f, h, 0.35f);
    }
    c.text(PdfCanvas.MARGIN, milli(max), false, 7);
    c.down(9);
    c.text(PdfCanvas.MARGIN, unit + "/day", false, 7);
    c.down(height - 9 + 10);
    c.text(left, "Daily usage from " + from + " (" + daily.size() + " days)", false, 7);
    c.down(14);
  }

  private static void charges(PdfCanvas c, JsonObject inv) throws IOException {
    String currency = inv.getString("currency");
    int digits = Math.max(0, java.util.Currency.getInstance(currency).getDefaultFractionDigits());
    c.line("Charges", true, 11);
    table(c, inv, digits, false);
    c.need(14);
    c.text(330, "Subtotal", true, 10);
    c.textRight(RIGHT, money(inv.getLong("subtotalMinor"), digits, currency), true, 10);
    c.down(16);
    c.line("Taxes and levies", true, 11);
    table(c, inv, digits, true);
    c.need(14);
    c.text(330, "Tax total", true, 10);
    c.textRight(RIGHT, money(inv.getLong("taxMinor"), digits, currency), true, 10);
    c.down(16);
    c.rule();
    c.need(20);
    boolean credit = inv.getString("kind").equals("credit_note");
    c.text(300, credit ? "Total credited" : "Total due", true, 13);
    c.textRight(RIGHT, money(inv.getLong("totalMinor"), digits, currency), true, 13);
    c.down(18);
    if (inv.getString("dueDate") != null) {
      c.line("Please pay by " + inv.getString("dueDate") + ", quoting " + inv.getString("number") + ".", false, 9);
    }
  }

  private static void table(PdfCanvas c, JsonObject inv, int digits, boolean taxes) throws IOException {
    for (Object o : inv.getJsonArray("lines", new JsonArray())) {
      JsonObject l = (JsonObject) o;
      if (l.getString("kind").equals("TAX") != taxes) {
        continue;
      }
      c.need(11);
      String what = cap(l.getString("utility")) + ": " + l.getString("description")
        + (l.getString("touPeriod") == null ? "" : " [" + l.getString("touPeriod") + "]")
        + " (tariff v" + l.getInteger("tariffVersionNumber") + ")";
      c.text(PdfCanvas.MARGIN, what.length() > 60 ? what.substring(0, 60) : what, false, 8);
      c.textRight(370, l.getString("quantity") + " " + l.getString("unit"), false, 8);
      c.textRight(460, "x " + l.getString("rate"), false, 8);
      c.textRight(RIGHT, money(l.getLong("amountMinor"), digits, inv.getString("currency")), false, 8);
      c.down(11);
    }
  }

  static String money(long minor, int digits, String currency) {
    return String.format(java.util.Locale.ROOT, "%,." + digits + "f", BigDecimal.valueOf(minor, digits)) + " " + currency;
  }

  private static String milli(long milli) {
    return BigDecimal.valueOf(milli, 3).toPlainString();
  }

  private static String read(Object value) {
    return value == null ? "-" : new BigDecimal(value.toString()).stripTrailingZeros().toPlainString();
  }

  private static String cap(String s) {
    return s == null || s.isEmpty() ? "" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
