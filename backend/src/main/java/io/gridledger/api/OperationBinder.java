package io.gridledger.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** A capability's HTTP face: binds its contract operations (by operationId) to its handlers. */
public interface OperationBinder {

  void bind(RouterBuilder routes);

  /** Routes outside the API and its credentials (e.g. a payment page opened from a link); most capabilities have none. */
  default void mountPublic(Router root) {
  }
}
