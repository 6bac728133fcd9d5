package io.gridledger.simulator.opcua;

import io.gridledger.simulator.model.Location;
import io.gridledger.simulator.model.MeterReading;
import io.gridledger.simulator.model.MeterSpec;
import io.gridledger.simulator.model.RegisterSpec;
import io.gridledger.simulator.model.Simulation;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilter;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilterContext;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulator's address space (namespace index 2):
 *
 * <pre>
 * Objects
 *   └ &lt;site name&gt;                        ns=2;s=site                 folder
 *       ├ &lt;building name&gt;                ns=2;s=building/&lt;key&gt;      folder
 *       │   ├ &lt;floor name&gt;               ns=2;s=floor/&lt;key&gt;         folder
 *       │   │   └ &lt;serial&gt;               ns=2;s=&lt;serial&gt;              object (the binding's nodeId)
 *       │   │       ├ &lt;register&gt;         ns=2;s=&lt;serial&gt;/&lt;register&gt;   Double, EngineeringUnits property
 *       │   │       └ relay_closed       ns=2;s=&lt;serial&gt;/relay_closed Boolean, writable
 *       │   └ &lt;serial&gt; (building-level meters)
 *       └ &lt;serial&gt; (site-level meters)
 * </pre>
 *
 * Values are not copied into the nodes: each read (and each sample of a monitored item) takes the latest tick's
 * snapshot, with the tick time as source timestamp and Bad_NoCommunication while the meter is offline.
 */
final class MeterNamespace extends ManagedNamespaceWithLifecycle {

  static final String NAMESPACE_URI = "urn:gridledger:device-simulator:meters";
  private static final Logger LOG = LoggerFactory.getLogger(MeterNamespace.class);

  private final Simulation simulation;
  private final List<MeterSpec> meters;
  private final SubscriptionModel subscriptionModel;
  private final Map<String, UaFolderNode> folders = new HashMap<>();

  MeterNamespace(OpcUaServer server, Simulation simulation, List<MeterSpec> meters) {
    super(server, NAMESPACE_URI);
    this.simulation = simulation;
    this.meters = meters;
    this.subscriptionModel = new SubscriptionModel(server, this);
    getLifecycleManager().addLifecycle(subscriptionModel);
    getLifecycleManager().addStartupTask(this::addNodes);
    if (getNamespaceIndex().intValue() != 2) {
      // Bindings say ns=2; that holds when this is the first namespace registered after the server's own.
      LOG.warn("OPC UA namespace index is {}, not 2: binding node ids will not resolve", getNamespaceIndex());
    }
  }

  private void addNodes() {
    UaFolderNode site = folder("site", simulation.site().siteName(), null);
    site.addReference(new Reference(site.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
    for (MeterSpec meter : meters) {
      addMeter(meter, parentFolder(site, meter.location()));
    }
  }

  private UaFolderNode parentFolder(UaFolderNode site, Location location) {
    if (location.buildingKey() == null) {
      return site;
    }
    UaFolderNode building = folder("building/" + location.buildingKey(), location.buildingName(), site);
    if (location.floorKey() == null) {
      return building;
    }
    return folder("floor/" + location.floorKey(), location.floorName(), building);
  }

  private UaFolderNode folder(String id, String name, UaFolderNode parent) {
    return folders.computeIfAbsent(id, k -> {
      UaFolderNode folder = new UaFolderNode(getNodeContext(), newNodeId(id), newQualifiedName(name),
        LocalizedText.english(name));
      getNodeManager().addNode(folder);
      if (parent != null) {
        parent.addOrganizes(folder);
      }
      return folder;
    });
  }

  private void addMeter(MeterSpec meter, UaFolderNode parent) {
    UaObjectNode object = UaObjectNode.builder(getNodeContext())
      .setNodeId(meterNodeId(meter))
      .setBrowseName(newQualifiedName(meter.serial()))
      .setDisplayName(LocalizedText.english(meter.serial()))
      .setDescription(LocalizedText.english(meter.kind().json() + " meter " + (meter.model() == null ? ""
        : meter.model())))
      .setTypeDefinition(NodeIds.BaseObjectType)
      .build();
    getNodeManager().addNode(object);
    parent.addOrganizes(object);

    for (RegisterSpec register : meter.registers()) {
      String name = register.name();
      UaVariableNode variable = variable(meter.serial() + "/" + name, name, NodeIds.Double, AccessLevel.READ_ONLY);
      variable.getFilterChain().addLast(new RegisterValue(meter.serial(), name));
      variable.setEngineeringUnits(EngineeringUnits.of(register.unit()));
      object.addComponent(variable);
    }
    if (meter.kind().hasSupplySwitch()) {
      UaVariableNode relay = variable(meter.serial() + "/relay_closed", "relay_closed", NodeIds.Boolean,
        AccessLevel.READ_WRITE);
      relay.getFilterChain().addLast(new RelayValue(meter.serial()));
      object.addComponent(relay);
    }
  }

  /** The binding's nodeId names the meter object; without one, ns=2;s=&lt;serial&gt; is used. */
  private NodeId meterNodeId(MeterSpec meter) {
    String nodeId = meter.binding().nodeId();
    if (nodeId != null) {
      NodeId parsed = NodeId.parseOrNull(nodeId);
      if (parsed != null && parsed.getNamespaceIndex().equals(getNamespaceIndex())) {
        return parsed;
      }
      LOG.warn("Meter {} has node id {} outside namespace {}; using ns={};s={}", meter.serial(), nodeId,
        getNamespaceIndex(), getNamespaceIndex(), meter.serial());
    }
    return newNodeId(meter.serial());
  }

  private UaVariableNode variable(String id, String name, NodeId dataType, Set<AccessLevel> access) {
    UaVariableNode variable = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
      .setNodeId(newNodeId(id))
      .setBrowseName(newQualifiedName(name))
      .setDisplayName(LocalizedText.english(name))
      .setDataType(dataType)
      .setTypeDefinition(NodeIds.BaseDataVariableType)
      .setAccessLevel(access)
      .setUserAccessLevel(access)
      .setMinimumSamplingInterval(100.0)
      .build();
    getNodeManager().addNode(variable);
    return variable;
  }

  private MeterReading reading(String serial) {
    return simulation.snapshot().reading(serial);
  }

  private static DataValue dataValue(MeterReading reading, Object value) {
    DateTime sourceTime = new DateTime(reading.time());
    if (!reading.online()) {
      return new DataValue(Variant.NULL_VALUE, new StatusCode(StatusCodes.Bad_NoCommunication), sourceTime,
        DateTime.now());
    }
    return new DataValue(new Variant(value), StatusCode.GOOD, sourceTime, DateTime.now());
  }

  /** A register's value, read from the latest snapshot. */
  private final class RegisterValue implements AttributeFilter {
    private final String serial, register;

    RegisterValue(String serial, String register) {
      this.serial = serial;
      this.register = register;
    }

    @Override
    public Object getAttribute(AttributeFilterContext ctx, AttributeId attributeId) {
      if (attributeId != AttributeId.Value) {
        return ctx.getAttribute(attributeId);
      }
      MeterReading reading = reading(serial);
      return dataValue(reading, reading.value(register));
    }
  }

  /** The supply switch: reads its state, and a write of true closes it, false opens it. */
  private final class RelayValue implements AttributeFilter {
    private final String serial;

    RelayValue(String serial) {
      this.serial = serial;
    }

    @Override
    public Object getAttribute(AttributeFilterContext ctx, AttributeId attributeId) {
      if (attributeId != AttributeId.Value) {
        return ctx.getAttribute(attributeId);
      }
      MeterReading reading = reading(serial);
      return dataValue(reading, simulation.meter(serial).relayClosed());
    }

    @Override
    public void writeAttribute(AttributeFilterContext ctx, AttributeId attributeId, Object value)
      throws UaException {
      if (attributeId != AttributeId.Value) {
        ctx.setAttribute(attributeId, value);
        return;
      }
      if (!reading(serial).online()) {
        throw new UaException(StatusCodes.Bad_NoCommunication, "meter " + serial + " is offline");
      }
      Object closed = ((DataValue) value).getValue().getValue();
      if (!(closed instanceof Boolean)) {
        throw new UaException(StatusCodes.Bad_TypeMismatch, "relay_closed takes a Boolean");
      }
      simulation.setRelayClosed(serial, (Boolean) closed);
    }
  }

  // ---- monitored items sample the filtered value through the subscription model ----

  @Override
  public void onDataItemsCreated(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsCreated(dataItems);
  }

  @Override
  public void onDataItemsModified(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsModified(dataItems);
  }

  @Override
  public void onDataItemsDeleted(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsDeleted(dataItems);
  }

  @Override
  public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
    subscriptionModel.onMonitoringModeChanged(monitoredItems);
  }
}
