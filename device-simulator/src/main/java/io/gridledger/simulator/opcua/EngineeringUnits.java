package io.gridledger.simulator.opcua;

import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;

import java.util.Map;

/**
 * EngineeringUnits for the site document's unit strings, as OPC UA Part 8 wants them: UNECE Recommendation 20
 * common codes packed into the unitId (each character shifted in, 8 bits at a time) under the UNECE namespace.
 */
final class EngineeringUnits {

  static final String UNECE_NAMESPACE = "http://www.opcfoundation.org/UA/units/un/cefact";

  private record Unece(String code, String symbol, String description) { }

  private static final Map<String, Unece> BY_UNIT = Map.ofEntries(
    Map.entry("Wh", new Unece("WHR", "Wh", "watt hour")),
    Map.entry("kWh", new Unece("KWH", "kWh", "kilowatt hour")),
    Map.entry("MWh", new Unece("MWH", "MWh", "megawatt hour")),
    Map.entry("W", new Unece("WTT", "W", "watt")),
    Map.entry("kW", new Unece("KWT", "kW", "kilowatt")),
    Map.entry("MW", new Unece("MAW", "MW", "megawatt")),
    Map.entry("V", new Unece("VLT", "V", "volt")),
    Map.entry("A", new Unece("AMP", "A", "ampere")),
    Map.entry("Hz", new Unece("HTZ", "Hz", "hertz")),
    Map.entry("m3", new Unece("MTQ", "m³", "cubic metre")),
    Map.entry("m3/h", new Unece("MQH", "m³/h", "cubic metre per hour")),
    Map.entry("l", new Unece("LTR", "l", "litre")),
    Map.entry("degC", new Unece("CEL", "°C", "degree Celsius")),
    Map.entry("%", new Unece("P1", "%", "percent")),
    Map.entry("ppm", new Unece("59", "ppm", "part per million")),
    Map.entry("ug/m3", new Unece("GQ", "µg/m³", "microgram per cubic metre")));

  private EngineeringUnits() {
  }

  static EUInformation of(String unit) {
    Unece unece = BY_UNIT.get(unit);
    if (unece == null) {
      // Not a unit we know a code for: -1 means "no unitId", the display name still tells a person.
      return new EUInformation(UNECE_NAMESPACE, -1, LocalizedText.english(unit), LocalizedText.english(unit));
    }
    return new EUInformation(UNECE_NAMESPACE, unitId(unece.code()), LocalizedText.english(unece.symbol()),
      LocalizedText.english(unece.description()));
  }

  /** OPC UA Part 8: unitId = the common code's ASCII characters, most significant first, 8 bits each. */
  static int unitId(String commonCode) {
    int id = 0;
    for (char c : commonCode.toCharArray()) {
      id = (id << 8) | c;
    }
    return id;
  }
}
