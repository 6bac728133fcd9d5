package io.gridledger.api;

import io.vertx.ext.web.openapi.router.RouterBuilder;

/** A capability's HTTP face: binds its contract operations (by operationId) to its handlers. */
public interface OperationBinder {

  void bind(RouterBuilder routes);
}
