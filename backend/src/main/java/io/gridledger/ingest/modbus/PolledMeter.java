package io.gridledger.ingest.modbus;

import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import io.gridledger.ingest.MeterDirectory.MeterRef;
import io.gridledger.simulator.modbus.RegisterMap;
import io.gridledger.simulator.modbus.RegisterMapEntry;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One meter being polled: what it was set up from (so a changed binding is noticed), its endpoint and unit id, its
 * register map and the read plan (contiguous registers coalesced into few requests).
 */
final class PolledMeter {

  /** The values of one poll and when it began (the attempt that succeeded, not the first). */
  record PollResult(Instant at, Map<RegisterMapEntry, Double> values) {
  }

  final MeterRef meter;
  final String endpointKey;
  final int unitId;
  final RegisterMap map;
  final List<ReadPlan.Block> plan;
  long timer;
  boolean busy;

  PolledMeter(MeterRef meter, String endpointKey, int unitId, RegisterMap map, List<ReadPlan.Block> plan) {
    this.meter = meter;
    this.endpointKey = endpointKey;
    this.unitId = unitId;
    this.map = map;
    this.plan = plan;
  }

  /** Reads every block of the plan with the endpoint's master (on its worker thread) and decodes the values. */
  PollResult readAll(ModbusTCPMaster master) throws Exception {
    Instant at = Instant.now();
    Map<RegisterMapEntry, Double> values = new LinkedHashMap<>();
    for (ReadPlan.Block block : plan) {
      InputRegister[] registers = block.function() == 3
        ? master.readMultipleRegisters(unitId, block.start(), block.count())
        : master.readInputRegisters(unitId, block.start(), block.count());
      if (registers.length != block.count()) {
        throw new IllegalStateException("asked for " + block.count() + " registers, got " + registers.length);
      }
      int[] words = new int[registers.length];
      for (int i = 0; i < registers.length; i++) {
        words[i] = registers[i].getValue();
      }
      for (RegisterMapEntry entry : block.entries()) {
        double value = entry.decode(block.wordsOf(entry, words));
        if (Double.isFinite(value)) {
          values.put(entry, value);
        }
      }
    }
    return new PollResult(at, values);
  }
}
