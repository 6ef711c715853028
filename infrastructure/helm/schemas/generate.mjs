#!/usr/bin/env node
// Regenerates the JSON schemas that kubeconform validates the rendered chart against, offline:
// Kubernetes kinds from the OpenAPI spec shipped in the k8s.io/kubernetes Go module, Dapr and
// Prometheus Operator kinds from the CRDs in their Go modules. Modules come from the Go module
// proxy (`go mod download`), so the output is pinned by their checksums in sum.golang.org.
//
//   node infrastructure/helm/schemas/generate.mjs
//
// The output is committed; scripts/check-k8s.sh only reads it. Bump a version below, rerun, and
// review the diff. Only the kinds the chart and infrastructure/dapr/components/prod render are
// written: add a kind here when a template starts using it.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const KUBERNETES_VERSION = "1.35.4";
const DAPR_VERSION = "1.18.2";
const PROMETHEUS_OPERATOR_VERSION = "0.89.0";

const KUBERNETES_KINDS = [
  ["", "v1", "ConfigMap"],
  ["", "v1", "Pod"],
  ["", "v1", "Secret"],
  ["", "v1", "Service"],
  ["", "v1", "ServiceAccount"],
  ["apps", "v1", "Deployment"],
  ["autoscaling", "v2", "HorizontalPodAutoscaler"],
  ["batch", "v1", "Job"],
  ["networking.k8s.io", "v1", "Ingress"],
  ["networking.k8s.io", "v1", "NetworkPolicy"],
  ["policy", "v1", "PodDisruptionBudget"],
  ["rbac.authorization.k8s.io", "v1", "Role"],
  ["rbac.authorization.k8s.io", "v1", "RoleBinding"],
];

const CRD_FILES = [
  ["github.com/dapr/dapr", DAPR_VERSION, "charts/dapr/crds/components.yaml"],
  ["github.com/dapr/dapr", DAPR_VERSION, "charts/dapr/crds/configuration.yaml"],
  ["github.com/dapr/dapr", DAPR_VERSION, "charts/dapr/crds/resiliency.yaml"],
  ["github.com/dapr/dapr", DAPR_VERSION, "charts/dapr/crds/subscription.yaml"],
  [
    "github.com/prometheus-operator/prometheus-operator",
    PROMETHEUS_OPERATOR_VERSION,
    "example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml",
  ],
  [
    "github.com/prometheus-operator/prometheus-operator",
    PROMETHEUS_OPERATOR_VERSION,
    "example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml",
  ],
  [
    "github.com/prometheus-operator/prometheus-operator",
    PROMETHEUS_OPERATOR_VERSION,
    "example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml",
  ],
];

const here = dirname(fileURLToPath(import.meta.url));

function moduleDir(path, version) {
  const out = execFileSync("go", ["mod", "download", "-json", `${path}@v${version}`], { encoding: "utf8" });
  const info = JSON.parse(out);
  if (info.Error) throw new Error(info.Error);
  return info.Dir;
}

// Schema-aware walk: `properties` is a map of schemas, so a property named "description" survives.
function walk(schema, visit) {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const out = visit({ ...schema });
  if (out.properties) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, walk(v, visit)]));
  }
  if (out.items) out.items = walk(out.items, visit);
  if (out.additionalProperties && typeof out.additionalProperties === "object") {
    out.additionalProperties = walk(out.additionalProperties, visit);
  }
  for (const key of ["oneOf", "anyOf", "allOf"]) {
    if (Array.isArray(out[key])) out[key] = out[key].map((s) => walk(s, visit));
  }
  if (out.not) out.not = walk(out.not, visit);
  return out;
}

const INT_OR_STRING = () => ({ oneOf: [{ type: "string" }, { type: "integer" }] });
// resource.Quantity is a string in the spec, but manifests say `cpu: 1` as often as `cpu: "1"`.
const QUANTITY = () => ({ oneOf: [{ type: "string" }, { type: "number" }] });

function strictAndNullable(schema) {
  return walk(schema, (s) => {
    delete s.description;
    for (const key of Object.keys(s)) if (key.startsWith("x-kubernetes-") && key !== "x-kubernetes-preserve-unknown-fields") delete s[key];
    if (s.properties && s.additionalProperties === undefined && !s["x-kubernetes-preserve-unknown-fields"]) {
      s.additionalProperties = false; // what makes kubeconform -strict reject unknown fields
    }
    if (s.properties) {
      // An optional field may be null in a manifest (the API server drops it), as in kubeconform's
      // own schema sets.
      const required = new Set(s.required ?? []);
      for (const [name, prop] of Object.entries(s.properties)) {
        if (required.has(name) || prop === null || typeof prop !== "object") continue;
        if (typeof prop.type === "string") prop.type = [prop.type, "null"];
        else if (Array.isArray(prop.oneOf) && !prop.oneOf.some((o) => o.type === "null")) {
          prop.oneOf = [...prop.oneOf, { type: "null" }];
        }
      }
    }
    delete s["x-kubernetes-preserve-unknown-fields"];
    return s;
  });
}

function withGvk(schema, group, version, kind) {
  const apiVersion = group ? `${group}/${version}` : version;
  const out = { $schema: "http://json-schema.org/schema#", ...schema };
  out.properties = {
    ...out.properties,
    apiVersion: { type: "string", enum: [apiVersion] },
    kind: { type: "string", enum: [kind] },
  };
  out.required = [...new Set([...(out.required ?? []), "apiVersion", "kind"])];
  return out;
}

function kubernetesSchemas(outDir) {
  const dir = moduleDir("k8s.io/kubernetes", KUBERNETES_VERSION);
  const swagger = JSON.parse(readFileSync(join(dir, "api/openapi-spec/swagger.json"), "utf8"));
  const defs = swagger.definitions;
  const expand = (schema, stack) => {
    if (schema === null || typeof schema !== "object") return schema;
    if (Array.isArray(schema)) return schema.map((s) => expand(s, stack));
    if (schema.$ref) {
      const name = schema.$ref.replace("#/definitions/", "");
      if (name === "io.k8s.apimachinery.pkg.util.intstr.IntOrString") return INT_OR_STRING();
      if (name === "io.k8s.apimachinery.pkg.api.resource.Quantity") return QUANTITY();
      if (stack.includes(name)) return {}; // recursive types (JSONSchemaProps) stay open
      return expand(defs[name], [...stack, name]);
    }
    if (schema.format === "int-or-string") return INT_OR_STRING();
    return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, expand(v, stack)]));
  };
  for (const [group, version, kind] of KUBERNETES_KINDS) {
    const entry = Object.entries(defs).find(([, d]) =>
      (d["x-kubernetes-group-version-kind"] ?? []).some(
        (g) => g.group === group && g.version === version && g.kind === kind,
      ),
    );
    if (!entry) throw new Error(`no definition for ${group}/${version} ${kind} in Kubernetes ${KUBERNETES_VERSION}`);
    const schema = withGvk(strictAndNullable(expand(entry[1], [entry[0]])), group, version, kind);
    const suffix = `${group.split(".")[0] ? `-${group.split(".")[0]}` : ""}-${version}`;
    writeFileSync(join(outDir, `${kind.toLowerCase()}${suffix}.json`), `${JSON.stringify(schema, null, 1)}\n`);
  }
}

function crdSchemas(outDir) {
  for (const [path, version, file] of CRD_FILES) {
    const text = readFileSync(join(moduleDir(path, version), file), "utf8");
    for (const doc of parseAllDocuments(text)) {
      const crd = doc.toJSON();
      if (crd?.kind !== "CustomResourceDefinition") continue;
      const { group, names } = crd.spec;
      for (const v of crd.spec.versions.filter((x) => x.served)) {
        const base = v.schema.openAPIV3Schema;
        const expanded = walk(base, (s) => {
          if (s["x-kubernetes-int-or-string"]) {
            const { type: _type, "x-kubernetes-int-or-string": _flag, ...rest } = s;
            return { ...rest, oneOf: [{ type: "string" }, { type: "integer" }] };
          }
          if (s.nullable) {
            delete s.nullable;
            if (typeof s.type === "string") s.type = [s.type, "null"];
          }
          return s;
        });
        const schema = withGvk(strictAndNullable(expanded), group, v.name, names.kind);
        mkdirSync(join(outDir, group), { recursive: true });
        writeFileSync(
          join(outDir, group, `${names.kind.toLowerCase()}_${v.name}.json`),
          `${JSON.stringify(schema, null, 1)}\n`,
        );
      }
    }
  }
}

const k8sDir = join(here, "kubernetes", `v${KUBERNETES_VERSION}-standalone-strict`);
const crdDir = join(here, "crds");
rmSync(join(here, "kubernetes"), { recursive: true, force: true });
rmSync(crdDir, { recursive: true, force: true });
mkdirSync(k8sDir, { recursive: true });
mkdirSync(crdDir, { recursive: true });
kubernetesSchemas(k8sDir);
crdSchemas(crdDir);
writeFileSync(
  join(here, "versions.env"),
  [
    "# Written by generate.mjs: the versions the committed schemas were generated from.",
    `KUBERNETES_VERSION=${KUBERNETES_VERSION}`,
    `DAPR_VERSION=${DAPR_VERSION}`,
    `PROMETHEUS_OPERATOR_VERSION=${PROMETHEUS_OPERATOR_VERSION}`,
    "",
  ].join("\n"),
);
console.log(`schemas written under ${here}`);
