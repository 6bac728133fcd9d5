package io.gridledger.simulator.opcua;

import io.gridledger.simulator.model.MeterSpec;
import io.gridledger.simulator.model.Simulation;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One Milo OPC UA server per distinct host:port among the OPC UA bindings' endpoint URLs (an endpoint per distinct
 * path), security policy None with anonymous access: the demo's meters sit on loopback and carry no secrets, and
 * None needs no certificate to be generated and trusted first.
 */
public final class OpcUaServers {

  private static final Logger LOG = LoggerFactory.getLogger(OpcUaServers.class);
  private static final String APPLICATION_URI = "urn:gridledger:device-simulator";

  private record Running(OpcUaServer server, MeterNamespace namespace, String address) { }

  private final List<Running> servers = new ArrayList<>();

  private OpcUaServers() {
  }

  /** Starts every server; completes when all listen, fails (after shutting down the others) if any cannot. */
  public static CompletableFuture<OpcUaServers> start(Simulation simulation, String bindHost) {
    Map<String, List<MeterSpec>> byAddress = new LinkedHashMap<>();
    for (MeterSpec meter : simulation.site().meters()) {
      if (meter.binding().opcua()) {
        byAddress.computeIfAbsent(meter.binding().opcuaAddress(), k -> new ArrayList<>()).add(meter);
      }
    }
    OpcUaServers servers = new OpcUaServers();
    List<CompletableFuture<?>> startups = new ArrayList<>();
    try {
      byAddress.forEach((address, meters) -> startups.add(servers.startOne(simulation, bindHost, address, meters)));
    } catch (RuntimeException e) {
      return servers.close().thenCompose(v -> CompletableFuture.failedFuture(e));
    }
    return CompletableFuture.allOf(startups.toArray(CompletableFuture[]::new))
      .handle((v, error) -> error)
      .thenCompose(error -> error == null ? CompletableFuture.completedFuture(servers)
        : servers.close().thenCompose(v -> CompletableFuture.failedFuture(error)));
  }

  private CompletableFuture<OpcUaServer> startOne(Simulation simulation, String bindHost, String address,
                                                  List<MeterSpec> meters) {
    Set<EndpointConfig> endpoints = new LinkedHashSet<>();
    for (MeterSpec meter : meters) {
      URI url = URI.create(meter.binding().endpointUrl());
      endpoints.add(EndpointConfig.newBuilder()
        .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
        .setBindAddress(bindHost != null ? bindHost : url.getHost())
        .setBindPort(url.getPort() < 0 ? 4840 : url.getPort())
        .setHostname(url.getHost())
        .setPath(url.getPath() == null || url.getPath().isEmpty() ? "/" : url.getPath())
        .setSecurityPolicy(SecurityPolicy.None)
        .setSecurityMode(MessageSecurityMode.None)
        .addTokenPolicies(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS)
        .build());
    }
    OpcUaServerConfig config = OpcUaServerConfig.builder()
      .setApplicationUri(APPLICATION_URI)
      .setApplicationName(LocalizedText.english("Gridledger device simulator"))
      .setProductUri(APPLICATION_URI)
      .setBuildInfo(new BuildInfo(APPLICATION_URI, "Gridledger", "Gridledger device simulator",
        OpcUaServer.SDK_VERSION, "", DateTime.now()))
      .setEndpoints(endpoints)
      .setIdentityValidator(AnonymousIdentityValidator.INSTANCE)
      // No certificates are used with security policy None, but the server asks its manager for them.
      .setCertificateManager(new DefaultCertificateManager(new MemoryCertificateQuarantine()))
      .build();
    OpcUaServer server = new OpcUaServer(config,
      profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
    MeterNamespace namespace = new MeterNamespace(server, simulation, meters);
    namespace.startup();
    servers.add(new Running(server, namespace, address));
    return server.startup().whenComplete((s, error) -> {
      if (error == null) {
        LOG.info("OPC UA server listening on opc.tcp://{} with {} meters", address, meters.size());
      }
    });
  }

  public CompletableFuture<Void> close() {
    List<CompletableFuture<?>> shutdowns = new ArrayList<>();
    for (Running running : servers) {
      running.namespace().shutdown();
      shutdowns.add(running.server().shutdown().exceptionally(error -> {
        LOG.warn("OPC UA server on {} did not shut down cleanly", running.address(), error);
        return null;
      }));
    }
    servers.clear();
    return CompletableFuture.allOf(shutdowns.toArray(CompletableFuture[]::new));
  }
}
