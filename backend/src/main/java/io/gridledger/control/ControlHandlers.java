package io.gridledger.control;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.PageQuery;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.auth.Role;
import io.gridledger.site.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/**
 * Relay commands over HTTP. Whoever may see the meter (SiteAccess: site scope, and for a tenant its own occupied
 * units) may read its commands and relay state; only admins and operators of its site may command it. A tenant
 * commanding its own meter, or an integration key, gets 403; a meter the caller cannot see is 404.
 */
public final class ControlHandlers implements OperationBinder {

  private final Pool pool;
  private final SiteAccess siteAccess;
  private final RelayControl control;

  public ControlHandlers(Pool pool, SiteAccess siteAccess, RelayControl control) {
    this.pool = pool;
    this.siteAccess = siteAccess;
    this.control = control;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("createMeterCommand").addHandler(this::create);
    routes.getRoute("listMeterCommands").addHandler(this::list);
    routes.getRoute("getMeterRelay").addHandler(this::relay);
    routes.getRoute("getCommand").addHandler(this::get);
  }

  private void create(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID meterId = pathId(rc, "meterId");
    JsonObject body = body(rc);
    Future<JsonObject> created = siteAccess.visibleMeter(p, meterId).compose(meter -> {
      if (p.role() != Role.ADMIN && p.role() != Role.OPERATOR) {
        throw Problem.forbidden("Only admins and the site's operators switch relays; the " + p.role().wireName()
          + " role may read the meter's commands and relay state");
      }
      CommandCause cause = CommandCause.operator(p.subject(), body.getString("reason").strip(),
        body.getBoolean("overrideCriticalLoad", false));
      return control.command(meterId, RelayAction.parse(body.getString("action")), cause);
    }).map(MeterCommand::toJson).recover(ControlHandlers::asProblem);
    respond(rc, 202, created);
  }

  private void list(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID meterId = pathId(rc, "meterId");
    ok(rc, siteAccess.visibleMeter(p, meterId).compose(meter -> new PageQuery("meter_command c", CommandStore.DOC,
        Map.of("requestedAt", new PageQuery.SortField("c.requested_at", "timestamptz")), "-requestedAt")
      .where("c.meter_id = ?", meterId)
      .page(query(rc, "cursor"), queryInt(rc, "limit"), null)
      .run(pool, "c.id")));
  }

  private void relay(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID meterId = pathId(rc, "meterId");
    ok(rc, siteAccess.visibleMeter(p, meterId).compose(meter -> control.relayState(meterId)).map(RelayState::toJson));
  }

  /** The command is visible exactly when its meter is. */
  private void get(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID commandId = pathId(rc, "commandId");
    ok(rc, new CommandStore(pool).find(commandId).compose(command -> {
      if (command == null) {
        throw Problem.notFound("command");
      }
      return siteAccess.visibleMeter(p, command.meterId())
        .recover(e -> Future.failedFuture(e instanceof Problem problem && problem.status() == 404
          ? Problem.notFound("command") : e))
        .map(meter -> command.toJson());
    }));
  }

  private static <T> Future<T> asProblem(Throwable e) {
    if (!(e instanceof RelayCommandRefused refused)) {
      return Future.failedFuture(e);
    }
    return Future.failedFuture(switch (refused.slug()) {
      case RelayCommandRefused.NOT_FOUND -> Problem.notFound("meter");
      case RelayCommandRefused.CRITICAL_LOAD -> Problem.unprocessable(refused.slug(), "/overrideCriticalLoad",
        refused.getMessage());
      default -> Problem.unprocessable(refused.slug(), null, refused.getMessage());
    });
  }
}
