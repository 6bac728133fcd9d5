package io.gridledger.site;

/**
 * The JSON representation of each site-model object, built by PostgreSQL in the query that reads it. One place per
 * entity, so list, get, create and update always answer with the same shape (the contract's schema).
 */
final class SiteDocs {

  private SiteDocs() {
  }

  static final String SITE = "json_build_object('id', s.id, 'name', s.name, 'timeZone', s.time_zone, "
    + "'currency', s.currency, 'address', s.address, 'createdAt', s.created_at, 'updatedAt', s.updated_at)";

  static final String BUILDING = "json_build_object('id', b.id, 'siteId', b.site_id, 'name', b.name, "
    + "'footprint', b.footprint, 'createdAt', b.created_at)";

  static final String FLOOR = "json_build_object('id', f.id, 'siteId', f.site_id, 'buildingId', f.building_id, "
    + "'level', f.level, 'name', f.name, 'elevationM', f.elevation_m, 'heightM', f.height_m, "
    + "'footprint', f.footprint, 'createdAt', f.created_at)";

  /** Needs {@code f} joined for the building id. */
  static final String UNIT = "json_build_object('id', u.id, 'siteId', u.site_id, 'buildingId', f.building_id, "
    + "'floorId', u.floor_id, 'name', u.name, 'areaM2', u.area_m2, 'use', u.use, 'headcount', u.headcount, "
    + "'footprint', u.footprint, 'createdAt', u.created_at)";

  static final String TENANT = "json_build_object('id', t.id, 'siteId', t.site_id, 'legalName', t.legal_name, "
    + "'contact', t.contact, 'billingMode', t.billing_mode, 'createdAt', t.created_at)";

  static final String OCCUPANCY = "json_build_object('id', o.id, 'siteId', o.site_id, 'tenantId', o.tenant_id, "
    + "'unitId', o.unit_id, 'fromDate', o.from_date, 'toDate', o.to_date, 'createdAt', o.created_at)";

  static final String METER = "json_build_object('id', m.id, 'siteId', m.site_id, 'serial', m.serial, "
    + "'kind', m.kind, 'model', m.model, 'locationLevel', m.location_level, 'buildingId', m.building_id, "
    + "'floorId', m.floor_id, 'unitId', m.unit_id, 'parentMeterId', m.parent_meter_id, "
    + "'multiplier', m.multiplier, 'registers', m.registers, 'binding', m.binding, "
    + "'criticalLoad', m.critical_load, 'createdAt', m.created_at)";
}
