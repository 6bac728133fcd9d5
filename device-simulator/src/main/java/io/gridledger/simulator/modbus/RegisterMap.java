package io.gridledger.simulator.modbus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A meter model's Modbus register map, read from {@code registermaps/<name>.json} on the class path: the one data
 * file both the simulator (which serves it) and the platform's poller (which reads by it) use, so the two cannot
 * drift apart. A value in the platform's unit is {@code raw × scale}, where raw is the decoded number.
 */
public final class RegisterMap {

  private final String name, model;
  private final List<RegisterMapEntry> registers;
  private final Integer relayCoil;
  private final boolean holdingRegistersMirrorInput;

  private RegisterMap(String name, String model, List<RegisterMapEntry> registers, Integer relayCoil,
                      boolean holdingRegistersMirrorInput) {
    this.name = name;
    this.model = model;
    this.registers = List.copyOf(registers);
    this.relayCoil = relayCoil;
    this.holdingRegistersMirrorInput = holdingRegistersMirrorInput;
  }

  /** Loads the map named by a binding's registerMap, for example "eastron-sdm630". */
  public static RegisterMap load(String name) {
    if (name == null || !name.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("Not a register map name: " + name);
    }
    String resource = "registermaps/" + name + ".json";
    try (InputStream in = RegisterMap.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("No register map " + name + " (" + resource + ")");
      }
      return fromJson(name, new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RegisterMap fromJson(String name, JsonObject json) {
    List<RegisterMapEntry> entries = new ArrayList<>();
    for (Object item : json.getJsonArray("registers", new JsonArray())) {
      entries.add(RegisterMapEntry.fromJson((JsonObject) item));
    }
    JsonObject coil = json.getJsonObject("relayCoil");
    return new RegisterMap(name, json.getString("model"), entries, coil == null ? null : coil.getInteger("address"),
      json.getBoolean("holdingRegistersMirrorInput", false));
  }

  public String name() {
    return name;
  }

  public String model() {
    return model;
  }

  public List<RegisterMapEntry> registers() {
    return registers;
  }

  public Optional<RegisterMapEntry> entry(String register) {
    return registers.stream().filter(e -> e.name().equals(register)).findFirst();
  }

  /** Whether the device answers function 03 (holding registers) with the same data as function 04. */
  public boolean holdingRegistersMirrorInput() {
    return holdingRegistersMirrorInput;
  }

  /** The coil that switches the supply (1 = closed, supplying), if the model has one. */
  public Optional<Integer> relayCoil() {
    return Optional.ofNullable(relayCoil);
  }
}
