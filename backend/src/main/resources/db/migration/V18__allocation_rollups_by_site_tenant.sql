-- A bill run reads the rollups a batch of tenants at a time: consecutive tenant ids of one site over a period. With
-- the rollups' tenant index on (tenant_id, day), PostgreSQL preferred scanning the site's whole period through the
-- primary key (site_id, day, ...) and filtering the batch's tenants out of it, for every batch: 40 batches of a
-- 10,000-tenant month read the month 40 times. (site_id, tenant_id, day) makes a batch one range of the index; it also
-- serves one tenant's reads (site and tenant are both known there), so it replaces the (tenant_id, day) index.
DROP INDEX allocated_tenant_day_tenant;
CREATE INDEX allocated_tenant_day_site_tenant ON allocated_tenant_day (site_id, tenant_id, day);
DROP INDEX allocated_source_day_tenant;
CREATE INDEX allocated_source_day_site_tenant ON allocated_source_day (site_id, tenant_id, day);
