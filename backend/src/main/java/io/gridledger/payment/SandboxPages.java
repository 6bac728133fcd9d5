package io.gridledger.payment;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * The sandbox checkout the payer sees: {@code GET /pay/sandbox/<checkoutId>} shows the amount with Pay and Cancel
 * buttons (plain HTML forms, no script); each button posts to this page, which turns it into a signed provider
 * notification and hands it to the same webhook path as Stripe's. {@code /pay/return} is where Stripe sends the payer
 * back. The checkout id in the link is the payer's capability; no other credentials are asked for.
 */
final class SandboxPages {

  private static final String FIND = "SELECT id, amount_minor, currency, state FROM top_up "
    + "WHERE provider = 'sandbox' AND checkout_id = $1";
  private static final int MAX_CHECKOUT_ID_LENGTH = 64;

  private final Pool pool;
  private final Payments payments;

  SandboxPages(Vertx vertx, Pool pool, Payments payments) {
    this.pool = pool;
    this.payments = payments;
  }

  void mount(Router root) {
    root.get("/pay/sandbox/:checkoutId").handler(this::page);
    root.post("/pay/sandbox/:checkoutId/confirm").handler(rc -> answer(rc, true));
    root.post("/pay/sandbox/:checkoutId/cancel").handler(rc -> answer(rc, false));
    root.get("/pay/return").handler(this::returned);
  }

  private Future<Row> checkout(RoutingContext rc) {
    String checkoutId = rc.pathParam("checkoutId");
    if (!payments.sandbox().enabled() || checkoutId.length() > MAX_CHECKOUT_ID_LENGTH) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery(FIND).execute(Tuple.of(checkoutId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  private void page(RoutingContext rc) {
    checkout(rc).onSuccess(row -> {
      if (row == null) {
        html(rc, 404, "<h1>No such checkout</h1>");
        return;
      }
      String amount = escape(format(row.getLong("amount_minor"), row.getString("currency")));
      String id = escape(rc.pathParam("checkoutId"));
      String state = row.getString("state");
      String body = state.equals("pending")
        ? "<h1>Top up " + amount + "</h1><p>Gridledger sandbox checkout: no money moves.</p>"
          + "<form method=\"post\" action=\"/pay/sandbox/" + id + "/confirm\"><button type=\"submit\">Pay " + amount
          + "</button></form><form method=\"post\" action=\"/pay/sandbox/" + id + "/cancel\">"
          + "<button type=\"submit\">Cancel</button></form>"
        : "<h1>Top-up " + escape(state) + "</h1><p>" + amount + "</p>";
      html(rc, 200, body);
    }).onFailure(rc::fail);
  }

  private void answer(RoutingContext rc, boolean confirmed) {
    checkout(rc).compose(row -> {
      if (row == null) {
        return Future.succeededFuture(false);
      }
      if (!row.getString("state").equals("pending")) {
        // Like a real checkout: once paid, cancelled or expired, the page has nothing left to send.
        return Future.succeededFuture(true);
      }
      SandboxProvider.Notification n = payments.sandbox().notification(rc.pathParam("checkoutId"), row.getUUID("id"),
        row.getLong("amount_minor"), row.getString("currency"), confirmed);
      return payments.receive("sandbox", n.signature(), n.payload()).map(outcome -> true);
    }).onSuccess(found -> {
      if (found) {
        // Post/redirect/get: reloading the result page does not post again.
        rc.response().setStatusCode(303).putHeader("Location", "/pay/sandbox/" + rc.pathParam("checkoutId")).end();
      } else {
        html(rc, 404, "<h1>No such checkout</h1>");
      }
    }).onFailure(rc::fail);
  }

  private void returned(RoutingContext rc) {
    String result = rc.queryParams().get("result");
    html(rc, 200, "cancel".equals(result) ? "<h1>Payment cancelled</h1><p>You can close this page.</p>"
      : "<h1>Thank you</h1><p>Your balance is updated as soon as the payment is confirmed. You can close this page.</p>");
  }

  /** Major units with the currency's usual decimals (EUR 12.34), for people; the API itself speaks minor units. */
  static String format(long amountMinor, String currency) {
    int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    return currency + " " + BigDecimal.valueOf(amountMinor, digits).toPlainString();
  }

  private static void html(RoutingContext rc, int status, String body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .end("<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
        + "<title>Gridledger checkout</title></head><body>" + body + "</body></html>");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
