package io.gridledger.simulator.mqtt;

/** The gateway topics, shared with the platform's ingest. */
public final class Topics {

  private Topics() {
  }

  /** Batches of readings, gateway to platform. */
  public static String readings(String gateway) {
    return "gridledger/gateways/" + gateway + "/readings";
  }

  /** Commands, platform to gateway. */
  public static String commands(String gateway) {
    return "gridledger/gateways/" + gateway + "/commands";
  }

  /** Acknowledgements and other events, gateway to platform. */
  public static String events(String gateway) {
    return "gridledger/gateways/" + gateway + "/events";
  }
}
