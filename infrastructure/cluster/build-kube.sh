#!/usr/bin/env bash
# build_kube <kubernetes version without v> <output dir> [command...]: builds the commands of
# k8s.io/kubernetes/cmd/ given (by default kube-apiserver, kube-controller-manager, kube-scheduler
# and kubectl) from the k8s.io/kubernetes Go module into <output dir>.
# `go install k8s.io/kubernetes/cmd/...@v1.x` is refused because its go.mod has replace directives
# (every k8s.io/* staging module => ./staging/src/...); a throwaway wrapper module requires
# k8s.io/kubernetes and repeats those replaces, pointing each at the published module of the
# same release (v0.<minor>.<patch>). Sourced by provision.sh.
build_kube() {
  local version=$1 out=$2 mod info gomod staging ldflags minor cmd pkgs=()
  shift 2
  (($# > 0)) || set -- kube-apiserver kube-controller-manager kube-scheduler kubectl
  for cmd in "$@"; do pkgs+=("k8s.io/kubernetes/cmd/$cmd"); done
  mod=$out/module
  rm -rf "$mod" && mkdir -p "$mod"
  info=$(go mod download -json "k8s.io/kubernetes@v$version")
  gomod=$(sed -n 's/^\s*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"$info")
  [[ -f $gomod ]] || { echo "go mod download gave no go.mod: $info"; return 1; }
  staging="v0.${version#*.}"
  {
    echo "module todo-platform/kube-build"
    echo
    echo "go $(awk '/^go /{print $2; exit}' "$gomod")"
    echo
    echo "require k8s.io/kubernetes v$version"
    echo
    echo "replace ("
    # k8s.io/api => ./staging/src/k8s.io/api  becomes  k8s.io/api => k8s.io/api v0.35.4
    awk -v v="$staging" '/^replace[ \t]*\(/{p=1; next} p && /^\)/{p=0} p && $3 ~ /^\.\/staging\// {printf "\t%s => %s %s\n", $1, $1, v}' "$gomod"
    # Any other replace (none today) is kept as it is.
    awk '/^replace[ \t]*\(/{p=1; next} p && /^\)/{p=0} p && $3 !~ /^\.\/staging\// {print}' "$gomod"
    echo ")"
  } >"$mod/go.mod"
  minor=${version#*.}
  minor=${minor%%.*}
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$mod" && GOFLAGS=-mod=mod go get "k8s.io/kubernetes@v$version" &&
    CGO_ENABLED=0 GOFLAGS=-mod=mod nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$out/partial/" \
      "${pkgs[@]}")
  mv "$out"/partial/* "$out/"
  rmdir "$out/partial"
  rm -rf "$mod"
}
