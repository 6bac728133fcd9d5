package io.gridledger.ingest;

import io.gridledger.api.OperationBinder;
import io.gridledger.api.Problem;
import io.gridledger.auth.Authenticator;
import io.gridledger.auth.Principal;
import io.gridledger.auth.Role;
import io.gridledger.site.SiteAccess;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import static io.gridledger.api.Requests.*;

/** Readings over HTTP (third-party systems, historic CSV) and the dead-letter store's listing. */
public final class ReadingsHandlers implements OperationBinder {

  private final IngestService ingest;
  private final DeadLetterStore deadLetters;
  private final SiteAccess sites;

  public ReadingsHandlers(IngestService ingest, DeadLetterStore deadLetters, SiteAccess sites) {
    this.ingest = ingest;
    this.deadLetters = deadLetters;
    this.sites = sites;
  }

  @Override
  public void bind(RouterBuilder routes) {
    routes.getRoute("ingestReadings").addHandler(this::ingestBatch);
    routes.getRoute("importReadingsCsv").addHandler(this::importCsv);
    routes.getRoute("listDeadLetters").addHandler(this::listDeadLetters);
  }

  private void ingestBatch(RoutingContext rc) {
    Principal p = requireSender(Authenticator.principal(rc));
    ReadingBatchParser.Parsed batch = ReadingBatchParser.parse(rc.body().buffer(), Instant.now());
    respond(rc, 202, ingest.ingest(batch, "http", batch.gateway(), scope(p)).map(IngestService.Outcome::toJson)
      .recover(ReadingsHandlers::busy));
  }

  private void importCsv(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    UUID siteId = pathId(rc, "siteId");
    Buffer body = rc.body().buffer();
    respond(rc, 202, sites.visibleSite(p, siteId).compose(site -> {
      requireSender(p);
      ReadingBatchParser.Parsed batch = CsvReadings.parse(body == null ? "" : body.toString(), Instant.now());
      return ingest.ingest(batch, "csv", null, Set.of(siteId));
    }).map(IngestService.Outcome::toJson).recover(ReadingsHandlers::busy));
  }

  private void listDeadLetters(RoutingContext rc) {
    Principal p = Authenticator.principal(rc);
    if (p.role() == Role.TENANT) {
      throw Problem.forbidden("Dead letters are for operators");
    }
    ok(rc, deadLetters.list(p, queryId(rc, "siteId"), query(rc, "source"), query(rc, "cursor"), queryInt(rc, "limit")));
  }

  /** Tenants read; admins, operators and integrations may send readings for their sites. */
  private static Principal requireSender(Principal p) {
    if (p.role() == Role.TENANT) {
      throw Problem.forbidden("A tenant cannot send readings");
    }
    return p;
  }

  private static Set<UUID> scope(Principal p) {
    return p.isAdmin() ? null : p.siteIds();
  }

  private static Future<JsonObject> busy(Throwable e) {
    if (e instanceof IllegalStateException && e.getMessage() != null && e.getMessage().startsWith("ingest backlog")) {
      return Future.failedFuture(new Problem(503, "ingest-busy", "Busy", "The ingest backlog is full; retry shortly", null));
    }
    return Future.failedFuture(e);
  }
}
