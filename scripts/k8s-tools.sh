# shellcheck shell=bash
# Kubernetes tools built from the Go module proxy and cached by version in $CACHE_BIN, shared by
# scripts/check-k8s.sh and infrastructure/cluster. Source it after setting CACHE_BIN.

HELM_VERSION=v3.22.0

# go_install <module> <version> <package> <destination binary> [ldflags]
go_install() {
  local module=$1 version=$2 package=$3 dest=$4 ldflags=${5:-} tmp
  tmp=$(mktemp -d)
  echo "building $package@$version (first run only; minutes on 2 cores)"
  if ! GOBIN=$tmp nice -n 10 go install -trimpath -ldflags "$ldflags" "$package@$version"; then
    # `go install pkg@version` refuses modules with replace directives: build from a throwaway
    # module that requires it instead.
    echo "go install refused $package@$version; building it from a wrapper module"
    (cd "$tmp" && go mod init wrapper >/dev/null &&
      go get "$module@$version" &&
      nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$tmp/$(basename "$package")" "$package")
  fi
  mkdir -p "$(dirname "$dest")"
  mv "$tmp/$(basename "$package")" "$dest"
  rm -rf "$tmp"
}

# ensure_helm: sets HELM to helm $HELM_VERSION, building it on first use.
ensure_helm() {
  command -v go >/dev/null || { echo "go is required to build helm" >&2; exit 2; }
  HELM=$CACHE_BIN/helm-$HELM_VERSION/helm
  if [[ ! -x $HELM ]]; then
    # Helm's own release ldflags: its version, and the Kubernetes version of its client-go as the
    # default for lint's deprecation checks (otherwise 1.20).
    local kube_minor
    kube_minor=$(go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p' |
      xargs grep -m1 'k8s.io/client-go ' | sed -E 's/.*v0\.([0-9]+)\..*/\1/')
    go_install helm.sh/helm/v3 "$HELM_VERSION" helm.sh/helm/v3/cmd/helm "$HELM" \
      "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
       -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$kube_minor \
       -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$kube_minor"
  fi
}
