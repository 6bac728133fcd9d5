package io.gridledger.metering.vee;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Thermal energy of a heating or cooling circuit from volume and the two temperatures, as a heat meter's calculator
 * does it under EN 1434-1 / OIML R 75-1, for computed (virtual) heat meters.
 *
 * <h2>Formulation</h2>
 * EN 1434-1 and OIML R 75-1 give the energy as Q = &int; k(&theta;<sub>f</sub>, &theta;<sub>r</sub>) &Delta;&theta;
 * dV with the <em>heat coefficient</em>
 * <pre>
 *   k = (1 / v) x (h_f - h_r) / (&theta;_f - &theta;_r)
 * </pre>
 * where h<sub>f</sub>, h<sub>r</sub> are the specific enthalpies of water at the flow (supply) and return
 * temperatures, and v is the specific volume of water at the temperature and pressure <em>where the volume is
 * measured</em> (the flow sensor is in the return pipe or in the supply pipe). So for a volume V:
 * <pre>
 *   Q = V / v(&theta;_meter) x (h(&theta;_f) - h(&theta;_r))      [m3 / (m3/kg) x kJ/kg = kJ;  / 3600 = kWh]
 * </pre>
 * The water properties come from IAPWS-IF97 (the Industrial Formulation 1997 of the International Association for the
 * Properties of Water and Steam), region 1 (compressed liquid), which is the basis the standard prescribes: ITS-90
 * temperatures (T = &theta; + 273.15 K) and, unless stated otherwise, a pressure of 16 bar (1.6 MPa), the pressure the
 * standard's k tables are computed for. The region-1 Gibbs free energy equation and its 34 coefficients, and the
 * region-4 saturation-pressure equation used to check that the water is liquid, are implemented below from the IF97
 * release; {@code HeatEnergyTest} checks them against the release's own verification values.
 *
 * <h2>Accuracy</h2>
 * <ul>
 * <li>IF97 reproduces the IF97 verification values to their 9 printed digits here; against the scientific
 * IAPWS-95 formulation, the energy of the 70/50 &deg;C example differs by about 0.05 % (22.9586 vs 22.9698 kWh per
 * m3), an order of magnitude below a class 2 calculator's maximum permissible error of
 * &plusmn;(0.5 + &Delta;&theta;<sub>min</sub>/&Delta;&theta;) %.</li>
 * <li>Pressure hardly matters for liquid water: computing at 6 bar instead of 16 bar changes the 70/50 &deg;C example
 * by 0.01 %. So fixing 16 bar, as the standard does, is sound for building circuits.</li>
 * <li>Where the volume is measured matters a lot (about 1 % at 70/50 &deg;C, through the density): 1 m3 measured in
 * the return at 50 &deg;C is 988.7 kg, measured in the supply at 70 &deg;C only 978.4 kg. Give the real position;
 * {@link #kWh(double, double, double)} assumes the return pipe, where most heat meters are installed (cooler, so
 * the flow sensor lasts longer).</li>
 * </ul>
 *
 * <p>Sign: the result is positive when the supply is warmer than the return (heat delivered) and negative when the
 * return is warmer (heat absorbed: a cooling circuit, or swapped sensors). A caller billing heating only must decide
 * what to do with a negative value; it is not clamped here.
 */
public final class HeatEnergy {

  /** Where the flow sensor (the volume measurement) is installed. */
  public enum FlowSensorPosition { SUPPLY, RETURN }

  /** The pressure EN 1434-1's heat-coefficient tables are computed for: 16 bar. */
  public static final double DEFAULT_PRESSURE_MPA = 1.6;

  private static final double R = 0.461526;          // specific gas constant of water, kJ/(kg K), IF97
  private static final double P_STAR_1 = 16.53;      // MPa, IF97 region 1 reducing pressure
  private static final double T_STAR_1 = 1386.0;     // K, IF97 region 1 reducing temperature
  private static final double KELVIN = 273.15;
  private static final double KJ_PER_KWH = 3600.0;

  // IF97 region 1, table 2: exponents I, J and coefficients n of the dimensionless Gibbs free energy.
  private static final int[] I = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 8, 8, 21, 23, 29, 30, 31, 32};
  private static final int[] J = {
    -2, -1, 0, 1, 2, 3, 4, 5, -9, -7, -1, 0, 1, 3, -3, 0, 1, 3, 17, -4, 0, 6, -5, -2, 10, -8, -11, -6, -29, -31,
    -38, -39, -40, -41};
  private static final double[] N = {
    0.14632971213167, -0.84548187169114, -0.37563603672040e1, 0.33855169168385e1, -0.95791963387872,
    0.15772038513228, -0.16616417199501e-1, 0.81214629983568e-3, 0.28319080123804e-3, -0.60706301565874e-3,
    -0.18990068218419e-1, -0.32529748770505e-1, -0.21841717175414e-1, -0.52838357969930e-4, -0.47184321073267e-3,
    -0.30001780793026e-3, 0.47661393906987e-4, -0.44141845330846e-5, -0.72694996297594e-15, -0.31679644845054e-4,
    -0.28270797985312e-5, -0.85205128120103e-9, -0.22425281908000e-5, -0.65171222895601e-6, -0.14341729937924e-12,
    -0.40516996860117e-6, -0.12734301741641e-8, -0.17424871230634e-9, -0.68762131295531e-18, 0.14478307828521e-19,
    0.26335781662795e-22, -0.11947622640071e-22, 0.18228094581404e-23, -0.93537087292458e-25};

  // IF97 region 4, table 34: coefficients of the saturation-pressure equation.
  private static final double[] N4 = {
    0.11670521452767e4, -0.72421316703206e6, -0.17073846940092e2, 0.12020824702470e5, -0.32325550322333e7,
    0.14915108613530e2, -0.48232657361591e4, 0.40511340542057e6, -0.23855557567849, 0.65017534844798e3};

  private HeatEnergy() {
  }

  /** Energy in kWh for {@code volumeM3} measured in the return pipe, at 16 bar. */
  public static double kWh(double volumeM3, double supplyC, double returnC) {
    return kWh(volumeM3, supplyC, returnC, FlowSensorPosition.RETURN, DEFAULT_PRESSURE_MPA);
  }

  /** Energy in kWh for {@code volumeM3} measured at {@code position}, at 16 bar. */
  public static double kWh(double volumeM3, double supplyC, double returnC, FlowSensorPosition position) {
    return kWh(volumeM3, supplyC, returnC, position, DEFAULT_PRESSURE_MPA);
  }

  /** Energy in kWh: volume / v(meter temperature) x (h(supply) - h(return)), water at {@code pressureMPa}. */
  public static double kWh(double volumeM3, double supplyC, double returnC, FlowSensorPosition position,
                           double pressureMPa) {
    if (!(Double.isFinite(volumeM3) && volumeM3 >= 0)) {
      throw new IllegalArgumentException("volume must be a finite number >= 0");
    }
    Objects.requireNonNull(position, "position");
    checkState(supplyC, pressureMPa);
    checkState(returnC, pressureMPa);
    if (volumeM3 == 0 || supplyC == returnC) {
      return 0.0;
    }
    double meterC = position == FlowSensorPosition.SUPPLY ? supplyC : returnC;
    double massKg = volumeM3 / specificVolume(meterC, pressureMPa);
    return massKg * (specificEnthalpy(supplyC, pressureMPa) - specificEnthalpy(returnC, pressureMPa)) / KJ_PER_KWH;
  }

  /** Thermal power in kW for a volume flow in m3/h (the energy of one hour's volume). */
  public static double kW(double flowM3PerHour, double supplyC, double returnC, FlowSensorPosition position) {
    return kWh(flowM3PerHour, supplyC, returnC, position, DEFAULT_PRESSURE_MPA);
  }

  /**
   * The EN 1434 heat coefficient k in kWh/(m3 K). For equal temperatures it is the limit c<sub>p</sub> / v, the
   * isobaric heat capacity per volume.
   */
  public static double heatCoefficient(double supplyC, double returnC, FlowSensorPosition position,
                                       double pressureMPa) {
    Objects.requireNonNull(position, "position");
    checkState(supplyC, pressureMPa);
    checkState(returnC, pressureMPa);
    double meterC = position == FlowSensorPosition.SUPPLY ? supplyC : returnC;
    double v = specificVolume(meterC, pressureMPa);
    if (supplyC == returnC) {
      return isobaricHeatCapacity(supplyC, pressureMPa) / v / KJ_PER_KWH;
    }
    return (specificEnthalpy(supplyC, pressureMPa) - specificEnthalpy(returnC, pressureMPa))
      / (supplyC - returnC) / v / KJ_PER_KWH;
  }

  /**
   * Energy per interval from an interval series of volume (m3) and the mean supply and return temperatures of each
   * interval (volume-weighted means where the meter gives them). Each result keeps its volume interval's start, end and
   * quality.
   */
  public static List<IntervalValue> intervals(List<IntervalValue> volumeM3, double[] supplyC, double[] returnC,
                                              FlowSensorPosition position) {
    Objects.requireNonNull(volumeM3, "volumeM3");
    if (supplyC.length != volumeM3.size() || returnC.length != volumeM3.size()) {
      throw new IllegalArgumentException("one supply and one return temperature per volume interval");
    }
    List<IntervalValue> out = new ArrayList<>(volumeM3.size());
    for (int i = 0; i < volumeM3.size(); i++) {
      IntervalValue v = volumeM3.get(i);
      out.add(new IntervalValue(v.start(), v.end(), kWh(v.consumption(), supplyC[i], returnC[i], position),
        v.quality()));
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------ IAPWS-IF97

  /** Specific enthalpy of liquid water, kJ/kg (IF97 region 1: h = R T tau gamma_tau). */
  static double specificEnthalpy(double celsius, double pressureMPa) {
    double t = celsius + KELVIN;
    double tau = T_STAR_1 / t;
    double a = 7.1 - pressureMPa / P_STAR_1;
    double b = tau - 1.222;
    double gammaTau = 0;
    for (int i = 0; i < N.length; i++) {
      gammaTau += N[i] * Math.pow(a, I[i]) * J[i] * Math.pow(b, J[i] - 1);
    }
    return R * t * tau * gammaTau;
  }

  /** Specific volume of liquid water, m3/kg (IF97 region 1: v = R T pi gamma_pi / p). */
  static double specificVolume(double celsius, double pressureMPa) {
    double t = celsius + KELVIN;
    double pi = pressureMPa / P_STAR_1;
    double a = 7.1 - pi;
    double b = T_STAR_1 / t - 1.222;
    double gammaPi = 0;
    for (int i = 0; i < N.length; i++) {
      if (I[i] != 0) {
        gammaPi -= N[i] * I[i] * Math.pow(a, I[i] - 1) * Math.pow(b, J[i]);
      }
    }
    // R in kJ/(kg K) and p in MPa: kJ/(kg MPa) = 1e-3 m3/kg.
    return R * t * pi * gammaPi / pressureMPa / 1000.0;
  }

  /** Specific isobaric heat capacity, kJ/(kg K) (IF97 region 1: cp = -R tau^2 gamma_tautau). */
  static double isobaricHeatCapacity(double celsius, double pressureMPa) {
    double t = celsius + KELVIN;
    double tau = T_STAR_1 / t;
    double a = 7.1 - pressureMPa / P_STAR_1;
    double b = tau - 1.222;
    double gammaTauTau = 0;
    for (int i = 0; i < N.length; i++) {
      gammaTauTau += N[i] * Math.pow(a, I[i]) * J[i] * (J[i] - 1) * Math.pow(b, J[i] - 2);
    }
    return -R * tau * tau * gammaTauTau;
  }

  /** Saturation pressure, MPa (IF97 region 4, equation 30), for 273.15 K &lt;= T &lt;= 647.096 K. */
  static double saturationPressure(double kelvin) {
    double theta = kelvin + N4[8] / (kelvin - N4[9]);
    double a = theta * theta + N4[0] * theta + N4[1];
    double b = N4[2] * theta * theta + N4[3] * theta + N4[4];
    double c = N4[5] * theta * theta + N4[6] * theta + N4[7];
    double x = 2 * c / (-b + Math.sqrt(b * b - 4 * a * c));
    return x * x * x * x;
  }

  /** Region 1 covers 0..350 degC and {@code p_sat(T) <= p <= 100 MPa}: liquid water only. */
  private static void checkState(double celsius, double pressureMPa) {
    if (!(Double.isFinite(pressureMPa) && pressureMPa > 0 && pressureMPa <= 100)) {
      throw new IllegalArgumentException("pressure must be in (0, 100] MPa: " + pressureMPa);
    }
    if (!(Double.isFinite(celsius) && celsius >= 0 && celsius <= 350)) {
      throw new IllegalArgumentException("temperature must be in [0, 350] degC for liquid water: " + celsius);
    }
    if (pressureMPa < saturationPressure(celsius + KELVIN)) {
      throw new IllegalArgumentException(
        "water at " + celsius + " degC boils below " + saturationPressure(celsius + KELVIN) + " MPa; got " + pressureMPa);
    }
  }
}
