package io.gridledger.api;

/** The swagger-ui webjar version; kept equal to ${swagger-ui.version} in the parent POM (a test checks it is on the classpath). */
final class SwaggerUiVersion {

  static final String VERSION = "5.34.1";

  private SwaggerUiVersion() {
  }
}
