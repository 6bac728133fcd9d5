package io.gridledger.postpaid;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.db.Sql;
import io.gridledger.ledger.AccountHandlers;
import io.gridledger.ledger.LedgerAccess;
import io.gridledger.ledger.LedgerService;
import io.gridledger.site.Scope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/**
 * The postpaid API: operators record payments, refund and reverse them; tenants, operators and integrations read a
 * payment and a tenant's statement. A tenant sees only its own (anything else: 404).
 */
public final class PostpaidHandlers implements OperationBinder {

  private static final String TENANT = "SELECT t.id, t.site_id, t.billing_mode, s.currency, s.time_zone FROM tenant t "
    + "JOIN site s ON s.id = t.site_id WHERE t.id = ? AND ";

  private final Pool pool;
  private final Payments payments;
  private final Refunds refunds;
  private final Statement statements;
  private final Clock clock;

  public PostpaidHandlers(Pool pool, LedgerService ledger, Clock clock) {
    this.pool = pool;
    this.payments = new Payments(pool, ledger);
    this.refunds = new Refunds(pool, ledger);
    this.statements = new Statement(pool);
    this.clock = clock;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("createTenantPayment").addHandler(this::createPayment);
    routes.getRoute("getPayment").addHandler(this::getPayment);
    routes.getRoute("createPaymentRefund").addHandler(this::refund);
    routes.getRoute("reversePayment").addHandler(this::reverse);
    routes.getRoute("getTenantStatement").addHandler(this::statement);
  }

  private void createPayment(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    String key = rc.request().getHeader(AccountHandlers.IDEMPOTENCY_KEY);
    JsonObject body = body(rc);
    send(rc, tenant(p, pathId(rc, "tenantId")).compose(t -> {
      LedgerAccess.requireOperator(p, "record payments");
      return payments.record(t, key, body, p.subject());
    }));
  }

  private void getPayment(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    ok(rc, visiblePayment(p, pathId(rc, "paymentId")).compose(t -> pool.withConnection(c -> Payments.load(c, t.paymentId))));
  }

  private void refund(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    String key = rc.request().getHeader(AccountHandlers.IDEMPOTENCY_KEY);
    JsonObject body = body(rc);
    send(rc, visiblePayment(p, pathId(rc, "paymentId")).compose(t -> {
      LedgerAccess.requireOperator(p, "refund payments");
      return refunds.refund(t.tenant, t.paymentId, key, body, p.subject());
    }));
  }

  private void reverse(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    String reason = body(rc).getString("reason").strip();
    ok(rc, visiblePayment(p, pathId(rc, "paymentId")).compose(t -> {
      LedgerAccess.requireOperator(p, "reverse payments");
      if (reason.isEmpty()) {
        throw Problem.unprocessable("invalid-reversal", "/reason", "A reason is required");
      }
      return refunds.reverse(t.tenant, t.paymentId, reason, p.subject());
    }));
  }

  private void statement(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID tenantId = pathId(rc, "tenantId");
    String fromText = query(rc, "from");
    String toText = query(rc, "to");
    ok(rc, tenant(p, tenantId).compose(t -> {
      LocalDate to = toText == null ? t.today().plusDays(1) : LocalDate.parse(toText);
      LocalDate from = fromText == null ? to.minusMonths(1) : LocalDate.parse(fromText);
      if (!from.isBefore(to)) {
        throw Problem.unprocessable("invalid-period", "to", "to must be after from");
      }
      return statements.of(t, from, to);
    }));
  }

  /** 201 with the stored body (byte for byte on a replay, with Idempotent-Replayed: true). */
  private static void send(RoutingContext rc, Future<Payments.Answer> answer) {
    answer.onSuccess(a -> {
      if (a.replayed()) {
        rc.response().putHeader("Idempotent-Replayed", "true");
      }
      rc.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(a.body());
    }).onFailure(rc::fail);
  }

  private Future<TenantRef> tenant(Principal p, UUID tenantId) {
    Scope scope = Scope.tenant(p, "t");
    Sql sql = new Sql(TENANT, tenantId).append(scope.sql(), scope.params());
    return pool.preparedQuery(sql.text()).execute(sql.tuple()).map(rows -> {
      if (rows.size() == 0) {
        throw Problem.notFound("tenant");
      }
      return ref(rows.iterator().next(), clock);
    });
  }

  private record PaymentRef(UUID paymentId, TenantRef tenant) {
  }

  private Future<PaymentRef> visiblePayment(Principal p, UUID paymentId) {
    Scope scope = Scope.tenant(p, "t");
    Sql sql = new Sql("SELECT t.id, t.site_id, t.billing_mode, s.currency, s.time_zone FROM tenant_payment pay "
      + "JOIN tenant t ON t.id = pay.tenant_id JOIN site s ON s.id = t.site_id WHERE pay.id = ? AND ", paymentId)
      .append(scope.sql(), scope.params());
    return pool.preparedQuery(sql.text()).execute(sql.tuple()).map(rows -> {
      if (rows.size() == 0) {
        throw Problem.notFound("payment");
      }
      return new PaymentRef(paymentId, ref(rows.iterator().next(), clock));
    });
  }

  private static TenantRef ref(Row r, Clock clock) {
    return new TenantRef(r.getUUID("id"), r.getUUID("site_id"), r.getString("billing_mode"), r.getString("currency"),
      ZoneId.of(r.getString("time_zone")), clock);
  }
}
