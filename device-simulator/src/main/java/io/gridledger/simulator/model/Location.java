package io.gridledger.simulator.model;

/**
 * Where a meter sits, resolved from its locationKey: everything the physics and the OPC UA folders need.
 *
 * @param buildingKey null for a site-level meter
 * @param floorKey    null for a site- or building-level meter
 * @param use         the unit's use (office, retail, industrial, clinical, common); "common" above unit level
 * @param areaM2      the floor area the meter supplies: the unit's, the floor's or the building's
 * @param headcount   people working in the area (office units carry it; estimated elsewhere)
 */
public record Location(String buildingKey, String buildingName, String floorKey, String floorName, String unitKey,
                       String unitName, String use, double areaM2, int headcount) {

  public static final Location SITE = new Location(null, null, null, null, null, null, "common", 0, 0);
}
