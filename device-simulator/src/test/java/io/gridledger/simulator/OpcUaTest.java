package io.gridledger.simulator;

import io.vertx.core.Vertx;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.gridledger.simulator.TestSite.HEAT;
import static io.gridledger.simulator.TestSite.MAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Milo client against the simulator's OPC UA server over loopback. */
class OpcUaTest {

  private static final TestSite SITE = new TestSite();
  private static Vertx vertx;
  private static DeviceSimulator sim;
  private static OpcUaClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sim = DeviceSimulator.start(vertx, SITE.document(), new SimulatorOptions().tickMillis(50).timeScale(600)
      .mqttPort(TestSite.freePort())).await(30, TimeUnit.SECONDS);
    client = OpcUaClient.create(SITE.endpointUrl());
    client.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    client.disconnect();
    sim.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void browsesFromObjectsThroughBuildingAndFloorToTheMeterAndItsRegisters() throws Exception {
    NodeId site = child(NodeIds.ObjectsFolder, "Test Park");
    NodeId building = child(site, "Test Tower");
    NodeId floor = child(building, "Level 1");
    NodeId meter = child(floor, HEAT);
    assertEquals(NodeId.parse("ns=2;s=" + HEAT), meter, "the binding's nodeId is the meter object");
    NodeId energy = child(meter, "energy_heat");
    assertEquals(NodeId.parse("ns=2;s=" + HEAT + "/energy_heat"), energy);
    assertNotNull(child(meter, "relay_closed"));
    // A site-level meter sits directly in the site folder.
    assertEquals(NodeId.parse("ns=2;s=" + MAIN), child(site, MAIN));
  }

  @Test
  void readsARegisterWithItsEngineeringUnitsAndGoodStatus() throws Exception {
    NodeId energy = NodeId.parse("ns=2;s=" + HEAT + "/energy_heat");
    DataValue value = client.readValue(0, TimestampsToReturn.Both, energy);
    assertTrue(value.getStatusCode().isGood());
    double read = (Double) value.getValue().getValue();
    assertTrue(read > 0);
    assertEquals(sim.meter(HEAT).value("energy_heat"), read, read * 1e-3, "within a few ticks of the simulator");
    assertNotNull(value.getSourceTime());

    EUInformation units = client.getAddressSpace().getVariableNode(energy).readEngineeringUnitsAsync()
      .get(10, TimeUnit.SECONDS);
    assertEquals("MWh", units.getDisplayName().text());
    assertEquals('M' << 16 | 'W' << 8 | 'H', units.getUnitId(), "UNECE common code MWH");
    assertEquals("http://www.opcfoundation.org/UA/units/un/cefact", units.getNamespaceUri());
  }

  @Test
  void valuesChangeFromTickToTick() throws Exception {
    NodeId volume = NodeId.parse("ns=2;s=" + HEAT + "/volume");
    double first = (Double) client.readValue(0, TimestampsToReturn.Both, volume).getValue().getValue();
    Waiting.until("the heat meter's volume to grow", () -> {
      try {
        return (Double) client.readValue(0, TimestampsToReturn.Both, volume).getValue().getValue() > first;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void anOfflineMeterReadsBadStatus() throws Exception {
    sim.faults().offline(MAIN, Duration.ofHours(1)); // 6 s at 600x
    DataValue value = client.readValue(0, TimestampsToReturn.Both, NodeId.parse("ns=2;s=" + MAIN
      + "/energy_active_import"));
    assertEquals(StatusCodes.Bad_NoCommunication, value.getStatusCode().getValue());
    StatusCode write = client.writeValues(List.of(NodeId.parse("ns=2;s=" + MAIN + "/relay_closed")),
      List.of(DataValue.valueOnly(new Variant(false)))).get(0);
    assertEquals(StatusCodes.Bad_NoCommunication, write.getValue());
    assertTrue(sim.meter(MAIN).relayClosed());
  }

  @Test
  void writingRelayClosedFalseOpensTheRelay() throws Exception {
    NodeId relay = NodeId.parse("ns=2;s=" + HEAT + "/relay_closed");
    assertEquals(true, client.readValue(0, TimestampsToReturn.Both, relay).getValue().getValue());
    StatusCode status = client.writeValues(List.of(relay), List.of(DataValue.valueOnly(new Variant(false)))).get(0);
    assertTrue(status.isGood(), status.toString());
    assertFalse(sim.meter(HEAT).relayClosed());
    assertEquals(false, client.readValue(0, TimestampsToReturn.Both, relay).getValue().getValue());
    // A closed valve: no flow, no power.
    assertEquals(0.0, sim.meter(HEAT).value("flow_rate"));
    assertEquals(0.0, sim.meter(HEAT).value("power_thermal"));
    client.writeValues(List.of(relay), List.of(DataValue.valueOnly(new Variant(true))));
    assertTrue(sim.meter(HEAT).relayClosed());
  }

  private static NodeId child(NodeId parent, String browseName) throws Exception {
    List<ReferenceDescription> references = client.getAddressSpace().browse(parent);
    return references.stream().filter(r -> browseName.equals(r.getBrowseName().name())).findFirst()
      .flatMap(r -> r.getNodeId().toNodeId(client.getNamespaceTable()))
      .orElseThrow(() -> new AssertionError(browseName + " not found under " + parent + ": "
        + references.stream().map(r -> r.getBrowseName().name()).toList()));
  }
}
