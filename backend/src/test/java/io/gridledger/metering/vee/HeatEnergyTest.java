package io.gridledger.metering.vee;

import io.gridledger.metering.vee.HeatEnergy.FlowSensorPosition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Reference values: the IF97 release's own verification tables, and values computed independently with CoolProp
 * 8.0.0 ({@code PropsSI(..., "IF97::Water")} for IF97 and {@code "HEOS::Water"} for IAPWS-95), as
 * {@code rho(T_meter, p) x (h(T_supply, p) - h(T_return, p)) / 3.6e6} for 1 m3.
 */
@DisplayName("Heat energy per EN 1434 (IAPWS-IF97)")
class HeatEnergyTest {

  private static final double EPS = 1e-9;

  @Test
  @DisplayName("IF97 region 1 reproduces the release's verification values for specific volume and enthalpy")
  void if97Region1Verification() {
    // IAPWS-IF97, table 5: T = 300 K, p = 3 MPa: v = 0.100215168e-2 m3/kg, h = 0.115331273e3 kJ/kg
    //                      T = 300 K, p = 80 MPa: v = 0.971180894e-3,      h = 0.184142828e3
    //                      T = 500 K, p = 3 MPa: v = 0.120241800e-2,       h = 0.975542239e3
    // Nine significant digits are printed, so compare to half a unit of the ninth.
    assertEquals(0.100215168e-2, HeatEnergy.specificVolume(300 - 273.15, 3), 5e-12);
    assertEquals(0.115331273e3, HeatEnergy.specificEnthalpy(300 - 273.15, 3), 5e-7);
    assertEquals(0.971180894e-3, HeatEnergy.specificVolume(300 - 273.15, 80), 5e-13);
    assertEquals(0.184142828e3, HeatEnergy.specificEnthalpy(300 - 273.15, 80), 5e-7);
    assertEquals(0.120241800e-2, HeatEnergy.specificVolume(500 - 273.15, 3), 5e-12);
    assertEquals(0.975542239e3, HeatEnergy.specificEnthalpy(500 - 273.15, 3), 5e-7);
  }

  @Test
  @DisplayName("IF97 region 4 reproduces the release's verification values for saturation pressure")
  void if97Region4Verification() {
    // IAPWS-IF97, table 35: p_s(300 K) = 0.353658941e-2 MPa, p_s(500 K) = 0.263889776e1, p_s(600 K) = 0.123443146e2.
    assertEquals(0.353658941e-2, HeatEnergy.saturationPressure(300), 5e-12);
    assertEquals(0.263889776e1, HeatEnergy.saturationPressure(500), 5e-9);
    assertEquals(0.123443146e2, HeatEnergy.saturationPressure(600), 5e-8);
  }

  @Test
  @DisplayName("1 m3 at 70 degC supply / 50 degC return, metered in the return, is 22.96 kWh")
  void workedExampleReturn() {
    // By hand, from steam tables at saturation (h'(70) = 293.07, h'(50) = 209.34 kJ/kg; rho'(50) = 988.0 kg/m3),
    // corrected to 16 bar with dh = v (1 - alpha T) dp: +1.29 and +1.37 kJ/kg; the density rises by ~0.07 %:
    //   Q = 988.7 kg x (294.36 - 210.71) kJ/kg / 3600 = 988.7 x 83.65 / 3600 = 22.97 kWh.
    // CoolProp IF97: rho(50 degC, 1.6 MPa) = 988.6982894986177 kg/m3, h = 294.3007309951372 and 210.70516697219526
    //   -> 988.698... x 83.59556402294194 / 3600 = 22.95855309976524 kWh (k = 1.147928 kWh/(m3 K)).
    // IAPWS-95 (CoolProp HEOS) gives 22.96983519977639: IF97 is 0.05 % below it.
    double kWh = HeatEnergy.kWh(1.0, 70, 50);
    assertEquals(22.95855309976524, kWh, EPS);
    assertEquals(22.97, kWh, 0.02, "the hand calculation");
    assertEquals(22.96983519977639, kWh, 22.96983519977639 * 0.001, "within 0.1 % of IAPWS-95");
    assertEquals(22.95855309976524 / 20, HeatEnergy.heatCoefficient(70, 50, FlowSensorPosition.RETURN, 1.6), EPS);
  }

  @Test
  @DisplayName("The same water metered in the supply is 22.72 kWh: the volume is measured at the warmer, lighter water")
  void workedExampleSupply() {
    // CoolProp IF97: rho(70 degC, 1.6 MPa) = 978.4377909185237 kg/m3 -> 978.438 x 83.5956 / 3600 = 22.720294164776476.
    // Ratio to the return-pipe value = rho(70)/rho(50) = 0.98962: the 1 % that the meter's position is worth.
    assertEquals(22.720294164776476, HeatEnergy.kWh(1.0, 70, 50, FlowSensorPosition.SUPPLY), EPS);
  }

  @Test
  @DisplayName("Pressure barely matters: at 6 bar the 70/50 example changes by 0.01 %")
  void pressureSensitivity() {
    // CoolProp IF97 at 0.6 MPa, return: 22.960687980549448 kWh (vs 22.95855309976524 at 1.6 MPa: +0.0093 %).
    assertEquals(22.960687980549448, HeatEnergy.kWh(1.0, 70, 50, FlowSensorPosition.RETURN, 0.6), EPS);
  }

  @Test
  @DisplayName("A cooling circuit (6 degC supply, 12 degC return) gives negative energy, scaled by volume")
  void coolingIsNegative() {
    // CoolProp IF97, 1 m3 metered in the return at 12 degC, 1.6 MPa: -6.987215946086189 kWh; 2.5 m3 is 2.5 times that.
    assertEquals(-6.987215946086189, HeatEnergy.kWh(1.0, 6, 12), EPS);
    assertEquals(-6.987215946086189 * 2.5, HeatEnergy.kWh(2.5, 6, 12), EPS);
  }

  @Test
  @DisplayName("With no temperature difference there is no energy, and k is the limit cp / v")
  void noTemperatureDifference() {
    // CoolProp IF97 at 50 degC, 1.6 MPa: cp = 4176.09945145436 J/(kg K), rho = 988.6982894986177 kg/m3
    //   -> k = 4176.099 x 988.698 / 3.6e6 = 1.146917329008067 kWh/(m3 K).
    assertEquals(0.0, HeatEnergy.kWh(3.0, 50, 50), 0.0);
    assertEquals(1.146917329008067, HeatEnergy.heatCoefficient(50, 50, FlowSensorPosition.RETURN, 1.6), EPS);
  }

  @Test
  @DisplayName("Power from a volume flow is the energy of one hour's volume")
  void power() {
    // 0.5 m3/h at 70/50, return: 0.5 x 22.95855309976524 = 11.47927654988262 kW.
    assertEquals(11.47927654988262, HeatEnergy.kW(0.5, 70, 50, FlowSensorPosition.RETURN), EPS);
  }

  @Test
  @DisplayName("An interval series of volume becomes an interval series of energy with the same quality")
  void intervals() {
    Instant t0 = Instant.parse("2025-01-06T00:00:00Z");
    Instant t1 = t0.plusSeconds(900);
    Instant t2 = t1.plusSeconds(900);
    List<IntervalValue> volume = List.of(
      new IntervalValue(t0, t1, 1.0, IntervalQuality.ACTUAL),
      new IntervalValue(t1, t2, 0.5, IntervalQuality.ESTIMATED));
    List<IntervalValue> energy = HeatEnergy.intervals(volume, new double[] {70, 70}, new double[] {50, 50},
      FlowSensorPosition.RETURN);

    // 1.0 m3 -> 22.95855309976524 kWh; 0.5 m3 -> 11.47927654988262 kWh.
    assertEquals(new IntervalValue(t0, t1, energy.get(0).consumption(), IntervalQuality.ACTUAL), energy.get(0));
    assertEquals(22.95855309976524, energy.get(0).consumption(), EPS);
    assertEquals(11.47927654988262, energy.get(1).consumption(), EPS);
    assertEquals(IntervalQuality.ESTIMATED, energy.get(1).quality());
  }

  @Test
  @DisplayName("Steam, ice or nonsense inputs are refused rather than computed")
  void outOfRange() {
    // At 1.6 MPa water boils at about 201 degC; at 0.1 MPa at about 99.6 degC.
    assertThrows(IllegalArgumentException.class, () -> HeatEnergy.kWh(1, 210, 50));
    assertThrows(IllegalArgumentException.class, () -> HeatEnergy.kWh(1, 120, 50, FlowSensorPosition.RETURN, 0.1));
    assertThrows(IllegalArgumentException.class, () -> HeatEnergy.kWh(1, 70, -5));
    assertThrows(IllegalArgumentException.class, () -> HeatEnergy.kWh(-1, 70, 50));
    assertThrows(IllegalArgumentException.class, () -> HeatEnergy.kWh(Double.NaN, 70, 50));
  }
}
