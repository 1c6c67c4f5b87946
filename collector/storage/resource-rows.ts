import { createHash } from "node:crypto";
import type pg from "pg";
import type { InstrumentationScope, Resource } from "../model/trace.ts";
import { attributesJson, storableString } from "./stored-json.ts";

/** Resources and scopes are stored once per distinct content, named by a content hash (schema.sql). */

export interface ResourceRow {
  project: string;
  resourceId: string;
  attributes: string;
  droppedAttributesCount: number;
  schemaUrl: string;
  serviceName: string;
}

export interface ScopeRow {
  project: string;
  scopeId: string;
  name: string;
  version: string;
  attributes: string;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export function resourceRow(project: string, serviceName: string, resource: Resource, schemaUrl: string): ResourceRow {
  const attributes = attributesJson(resource.attributes);
  return {
    project,
    resourceId: contentId(attributes, String(resource.droppedAttributesCount), schemaUrl),
    attributes,
    droppedAttributesCount: resource.droppedAttributesCount,
    schemaUrl,
    serviceName,
  };
}

export function scopeRow(project: string, scope: InstrumentationScope, schemaUrl: string): ScopeRow {
  const attributes = attributesJson(scope.attributes);
  return {
    project,
    scopeId: contentId(scope.name, scope.version, attributes, String(scope.droppedAttributesCount), schemaUrl),
    name: scope.name,
    version: scope.version,
    attributes,
    droppedAttributesCount: scope.droppedAttributesCount,
    schemaUrl,
  };
}

/** A 16-byte content hash (hex); parts are length-prefixed so they cannot run together. */
export function contentId(...parts: string[]): string {
  const h = createHash("md5");
  for (const p of parts) h.update(`${p.length}:${p}`);
  return h.digest("hex");
}

/** Inserts the distinct resources and scopes of a group (ordered by key; existing ones are left alone). */
export async function upsertResourcesAndScopes(client: pg.PoolClient, resourceRows: Iterable<ResourceRow>, scopeRows: Iterable<ScopeRow>): Promise<void> {
  const resources = new Map<string, ResourceRow>();
  for (const r of resourceRows) resources.set(r.project + "\u0000" + r.resourceId, r);
  const scopes = new Map<string, ScopeRow>();
  for (const s of scopeRows) scopes.set(s.project + "\u0000" + s.scopeId, s);
  if (resources.size > 0) {
    const rs = [...resources.values()];
    await client.query(
      `INSERT INTO resources (project, resource_id, attributes, dropped_attributes_count, schema_url, service_name)
       SELECT p, decode(id, 'hex'), a, d, u, s
         FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::bigint[], $5::text[], $6::text[]) AS r(p, id, a, d, u, s)
        ORDER BY 1, 2
       ON CONFLICT (project, resource_id) DO NOTHING`,
      [
        rs.map((r) => storableString(r.project)),
        rs.map((r) => r.resourceId),
        rs.map((r) => r.attributes),
        rs.map((r) => r.droppedAttributesCount),
        rs.map((r) => storableString(r.schemaUrl)),
        rs.map((r) => storableString(r.serviceName)),
      ],
    );
  }
  if (scopes.size > 0) {
    const ss = [...scopes.values()];
    await client.query(
      `INSERT INTO scopes (project, scope_id, name, version, attributes, dropped_attributes_count, schema_url)
       SELECT p, decode(id, 'hex'), n, v, a, d, u
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::bigint[], $7::text[]) AS s(p, id, n, v, a, d, u)
        ORDER BY 1, 2
       ON CONFLICT (project, scope_id) DO NOTHING`,
      [
        ss.map((s) => storableString(s.project)),
        ss.map((s) => s.scopeId),
        ss.map((s) => storableString(s.name)),
        ss.map((s) => storableString(s.version)),
        ss.map((s) => s.attributes),
        ss.map((s) => s.droppedAttributesCount),
        ss.map((s) => storableString(s.schemaUrl)),
      ],
    );
  }
}
