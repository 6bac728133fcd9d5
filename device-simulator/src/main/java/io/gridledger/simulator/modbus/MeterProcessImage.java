package io.gridledger.simulator.modbus;

import com.ghgande.j2mod.modbus.procimg.DigitalIn;
import com.ghgande.j2mod.modbus.procimg.DigitalOut;
import com.ghgande.j2mod.modbus.procimg.FIFO;
import com.ghgande.j2mod.modbus.procimg.File;
import com.ghgande.j2mod.modbus.procimg.IllegalAddressException;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import com.ghgande.j2mod.modbus.procimg.ProcessImage;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import io.gridledger.simulator.model.MeterReading;
import io.gridledger.simulator.model.MeterSpec;
import io.gridledger.simulator.model.MeterState;
import io.gridledger.simulator.model.Simulation;

/**
 * One meter at its unit id, as j2mod's slave sees it. Registers are encoded on demand from the latest snapshot, so a
 * read of several registers is consistent (one tick) and no copy is kept up to date. While the meter is offline every
 * request answers Modbus exception 02: j2mod's slave can only answer that exception, where a real gateway would say
 * 0x0B (target device failed to respond). Either way the poller sees no value.
 */
final class MeterProcessImage implements ProcessImage {

  private final Simulation simulation;
  private final String serial;
  private final RegisterMap map;
  private final int registerCount;

  MeterProcessImage(Simulation simulation, String serial, RegisterMap map) {
    this.simulation = simulation;
    this.serial = serial;
    this.map = map;
    this.registerCount = map.registers().stream().mapToInt(e -> e.address() + e.words()).max().orElse(0);
  }

  // ---- input registers (function 04) and, where the model mirrors them, holding registers (function 03) ----

  @Override
  public InputRegister[] getInputRegisterRange(int offset, int count) {
    int[] words = words(4, offset, count);
    InputRegister[] registers = new InputRegister[count];
    for (int i = 0; i < count; i++) {
      registers[i] = new SimpleInputRegister(words[i]);
    }
    return registers;
  }

  @Override
  public InputRegister getInputRegister(int ref) {
    return getInputRegisterRange(ref, 1)[0];
  }

  @Override
  public int getInputRegisterCount() {
    return registerCount;
  }

  @Override
  public Register[] getRegisterRange(int offset, int count) {
    if (!map.holdingRegistersMirrorInput()) {
      throw new IllegalAddressException();
    }
    int[] words = words(4, offset, count);
    Register[] registers = new Register[count];
    for (int i = 0; i < count; i++) {
      // A write to these reaches a throw-away copy: measured values are read-only, as on the device.
      registers[i] = new ReadOnlyRegister(words[i]);
    }
    return registers;
  }

  @Override
  public Register getRegister(int ref) {
    return getRegisterRange(ref, 1)[0];
  }

  @Override
  public int getRegisterCount() {
    return map.holdingRegistersMirrorInput() ? registerCount : 0;
  }

  /** Encodes the addressed window from one snapshot; gaps between mapped values read as 0, beyond the map is illegal. */
  private int[] words(int function, int offset, int count) {
    if (offset < 0 || count < 1 || offset + count > registerCount) {
      throw new IllegalAddressException();
    }
    MeterReading reading = onlineReading();
    MeterSpec meter = simulation.meter(serial).spec();
    int[] words = new int[count];
    for (RegisterMapEntry entry : map.registers()) {
      if (entry.function() != function || entry.address() + entry.words() <= offset
        || entry.address() >= offset + count) {
        continue;
      }
      int[] encoded = entry.encode(DerivedValues.value(entry, reading, meter));
      for (int w = 0; w < encoded.length; w++) {
        int address = entry.address() + w;
        if (address >= offset && address < offset + count) {
          words[address - offset] = encoded[w];
        }
      }
    }
    return words;
  }

  // ---- the supply relay on its coil ----

  @Override
  public DigitalOut getDigitalOut(int ref) {
    int coil = map.relayCoil().orElseThrow(IllegalAddressException::new);
    MeterState meter = simulation.meter(serial);
    if (ref != coil || !meter.spec().kind().hasSupplySwitch()) {
      throw new IllegalAddressException();
    }
    onlineReading();
    return new DigitalOut() {
      @Override
      public boolean isSet() {
        return meter.relayClosed();
      }

      @Override
      public void set(boolean closed) {
        simulation.setRelayClosed(serial, closed);
      }
    };
  }

  @Override
  public DigitalOut[] getDigitalOutRange(int offset, int count) {
    DigitalOut[] outs = new DigitalOut[count];
    for (int i = 0; i < count; i++) {
      outs[i] = getDigitalOut(offset + i);
    }
    return outs;
  }

  @Override
  public int getDigitalOutCount() {
    return map.relayCoil().map(c -> c + 1).orElse(0);
  }

  private MeterReading onlineReading() {
    MeterReading reading = simulation.snapshot().reading(serial);
    if (!reading.online()) {
      throw new IllegalAddressException("meter " + serial + " is offline");
    }
    return reading;
  }

  // ---- what an energy meter does not have ----

  @Override
  public DigitalIn[] getDigitalInRange(int offset, int count) {
    throw new IllegalAddressException();
  }

  @Override
  public DigitalIn getDigitalIn(int ref) {
    throw new IllegalAddressException();
  }

  @Override
  public int getDigitalInCount() {
    return 0;
  }

  @Override
  public File getFile(int ref) {
    throw new IllegalAddressException();
  }

  @Override
  public File getFileByNumber(int ref) {
    throw new IllegalAddressException();
  }

  @Override
  public int getFileCount() {
    return 0;
  }

  @Override
  public FIFO getFIFO(int ref) {
    throw new IllegalAddressException();
  }

  @Override
  public FIFO getFIFOByAddress(int ref) {
    throw new IllegalAddressException();
  }

  @Override
  public int getFIFOCount() {
    return 0;
  }

  private static final class ReadOnlyRegister extends SimpleRegister {
    ReadOnlyRegister(int value) {
      super(value);
    }
  }
}
