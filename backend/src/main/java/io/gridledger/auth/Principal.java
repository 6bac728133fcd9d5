package io.gridledger.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated caller. Every query that touches site data is scoped with {@link #siteScope()} and
 * {@link #tenantScope()}, so an object outside the caller's reach is simply not found.
 *
 * @param subject  "user:&lt;id&gt;" or "key:&lt;id&gt;", for logs and audit
 * @param siteIds  the sites an operator, integration or tenant is limited to; ignored for admin
 * @param tenantId the one tenant a tenant principal is; null otherwise
 */
public record Principal(String subject, Role role, Set<UUID> siteIds, UUID tenantId) {

  public Principal {
    siteIds = Set.copyOf(siteIds);
    if (role == Role.TENANT && tenantId == null) {
      throw new IllegalArgumentException("a tenant principal needs its tenant id");
    }
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  /** Edits the asset model: admins everywhere, operators on their sites. */
  public boolean canEditSiteModel() {
    return role == Role.ADMIN || role == Role.OPERATOR;
  }

  /** The sites this caller is limited to as a SQL uuid[] parameter, or null for "all sites". */
  public UUID[] siteScope() {
    return isAdmin() ? null : siteIds.toArray(new UUID[0]);
  }

  /** The tenant this caller is limited to as a SQL parameter, or null when not a tenant. */
  public UUID tenantScope() {
    return role == Role.TENANT ? tenantId : null;
  }

  public boolean canSeeSite(UUID siteId) {
    return isAdmin() || siteIds.contains(siteId);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("subject", subject)
      .put("role", role.wireName())
      .put("siteIds", new JsonArray(List.copyOf(siteIds.stream().map(UUID::toString).sorted().toList())));
    if (tenantId != null) {
      json.put("tenantId", tenantId.toString());
    }
    return json;
  }
}
