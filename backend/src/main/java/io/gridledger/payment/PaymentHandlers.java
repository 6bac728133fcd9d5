package io.gridledger.payment;

import io.gridledger.api.OperationBinder;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.gridledger.ledger.AccountHandlers;
import io.gridledger.ledger.LedgerAccess;
import io.gridledger.api.Problem;
import io.gridledger.site.Scope;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;

import java.util.UUID;

import static io.gridledger.api.Requests.*;

/** Top-ups (create, read), the Stripe webhook, and the sandbox checkout pages. */
public final class PaymentHandlers implements OperationBinder {

  private final Pool pool;
  private final Payments payments;
  private final LedgerAccess access;
  private final String publicUrl;
  private final Vertx vertx;

  /** {@code publicUrl}: http.publicUrl, the base of checkout links (else the address the request came to). */
  public PaymentHandlers(Vertx vertx, Pool pool, Payments payments, String publicUrl) {
    this.vertx = vertx;
    this.pool = pool;
    this.payments = payments;
    this.access = new LedgerAccess(pool);
    this.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.replaceAll("/+$", "");
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("createTopUp").addHandler(this::create);
    routes.getRoute("getTopUp").addHandler(this::get);
    routes.getRoute("receiveStripeWebhook").addHandler(this::stripeWebhook);
  }

  @Override
  public void mountPublic(Router root) {
    new SandboxPages(vertx, pool, payments).mount(root);
  }

  private void create(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    String key = rc.request().getHeader(AccountHandlers.IDEMPOTENCY_KEY);
    JsonObject body = body(rc);
    access.visibleAccount(p, pathId(rc, "accountId"))
      .compose(wallet -> payments.topUps().create(p, wallet, key, body, baseUrl(rc)))
      .onSuccess(created -> {
        if (created.replayed()) {
          rc.response().putHeader("Idempotent-Replayed", "true");
        }
        rc.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(created.body());
      })
      .onFailure(rc::fail);
  }

  private void get(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    Scope site = Scope.site(p, "u.site_id");
    Sql sql = new Sql("SELECT u.* FROM top_up u WHERE u.id = ? AND ", pathId(rc, "topUpId"))
      .append(site.sql(), site.params())
      .append(" AND (?::uuid IS NULL OR u.tenant_id = ?::uuid)", p.tenantScope(), p.tenantScope());
    ok(rc, pool.preparedQuery(sql.text()).execute(sql.tuple()).map(rows -> {
      if (rows.size() == 0) {
        throw Problem.notFound("top-up");
      }
      return TopUpRow.from(rows.iterator().next()).toJson();
    }));
  }

  /** No credentials: the Stripe-Signature header is the proof, checked over the raw body before anything is read. */
  private void stripeWebhook(RoutingContext rc) {
    ok(rc, payments.receive("stripe", rc.request().getHeader("Stripe-Signature"), rc.body().buffer()));
  }

  private String baseUrl(RoutingContext rc) {
    if (publicUrl != null) {
      return publicUrl;
    }
    io.vertx.core.net.HostAndPort authority = rc.request().authority();
    String host = authority == null ? "localhost" : authority.host() + (authority.port() > 0 ? ":" + authority.port() : "");
    return rc.request().scheme() + "://" + host;
  }

}
