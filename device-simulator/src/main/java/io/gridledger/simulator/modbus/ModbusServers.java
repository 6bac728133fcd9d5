package io.gridledger.simulator.modbus;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveType;
import io.gridledger.simulator.model.MeterSpec;
import io.gridledger.simulator.model.Simulation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Modbus TCP slave per distinct host:port in the Modbus bindings, each meter at its binding's unit id.
 *
 * <p>j2mod's slave is blocking: it runs its own accept thread and a thread per connection, and {@link #start} and
 * {@link #close} block while sockets open and close. Call them on a worker thread, never on a Vert.x event loop.
 * j2mod keeps slaves in a JVM-wide table keyed by port alone, so one JVM cannot serve the same port twice.
 */
public final class ModbusServers {

  private static final Logger LOG = LoggerFactory.getLogger(ModbusServers.class);
  /** Each open connection holds one handler thread; pollers keep one connection per port. */
  private static final int CONNECTION_THREADS = 8;

  private final List<ModbusSlave> slaves = new ArrayList<>();

  private ModbusServers() {
  }

  /** Opens a listener per address; if one fails, those already open are closed again. */
  public static ModbusServers start(Simulation simulation, String bindHost) throws ModbusException,
    UnknownHostException {
    Map<String, List<MeterSpec>> byAddress = new LinkedHashMap<>();
    for (MeterSpec meter : simulation.site().meters()) {
      if (meter.binding().modbus()) {
        byAddress.computeIfAbsent(meter.binding().modbusAddress(), k -> new ArrayList<>()).add(meter);
      }
    }
    ModbusServers servers = new ModbusServers();
    Map<String, RegisterMap> maps = new HashMap<>();
    try {
      for (List<MeterSpec> meters : byAddress.values()) {
        servers.open(simulation, bindHost, meters, maps);
      }
    } catch (ModbusException | UnknownHostException | RuntimeException e) {
      servers.close();
      throw e;
    }
    return servers;
  }

  private void open(Simulation simulation, String bindHost, List<MeterSpec> meters, Map<String, RegisterMap> maps)
    throws ModbusException, UnknownHostException {
    MeterSpec first = meters.get(0);
    int port = first.binding().port();
    if (ModbusSlaveFactory.getSlave(ModbusSlaveType.TCP, port) != null) {
      throw new IllegalStateException("Modbus port " + port + " is already served in this JVM");
    }
    InetAddress address = InetAddress.getByName(bindHost != null ? bindHost : first.binding().host());
    ModbusSlave slave = ModbusSlaveFactory.createTCPSlave(address, port, CONNECTION_THREADS, false);
    slaves.add(slave);
    for (MeterSpec meter : meters) {
      RegisterMap map = maps.computeIfAbsent(meter.binding().registerMap(), RegisterMap::load);
      Integer unitId = meter.binding().unitId();
      if (unitId == null) {
        throw new IllegalArgumentException("Modbus meter " + meter.serial() + " has no unitId");
      }
      if (slave.addProcessImage(unitId, new MeterProcessImage(simulation, meter.serial(), map)) != null) {
        throw new IllegalArgumentException("Two meters at unit id " + unitId + " on " + first.binding().modbusAddress());
      }
    }
    slave.setThreadName("modbus-slave-" + port);
    slave.open();
    LOG.info("Modbus TCP listening on {}:{} with {} meters", address.getHostAddress(), port, meters.size());
  }

  public void close() {
    for (ModbusSlave slave : slaves) {
      try {
        ModbusSlaveFactory.close(slave);
      } catch (RuntimeException e) {
        LOG.warn("Closing Modbus slave on port {} failed", slave.getPort(), e);
      }
    }
    slaves.clear();
  }
}
