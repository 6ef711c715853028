# shellcheck shell=bash
# build_dapr <dapr version without v> <output dir> <command...>: builds the commands of
# github.com/dapr/dapr/cmd/ given (daprd; operator, injector, sentry, placement) from the
# github.com/dapr/dapr Go module into <output dir>. `go install github.com/dapr/dapr/cmd/x@v`
# is refused because dapr's go.mod has replace directives; a throwaway wrapper module
# (go.mod.tmpl beside this file) requires it and repeats them. Needs `go`; sourced by
# infrastructure/stack/provision.sh and infrastructure/node/provision.sh.
build_dapr() {
  local version=$1 out=$2 mod info gomod srcdir cmd pkgs=()
  shift 2
  for cmd in "$@"; do pkgs+=("github.com/dapr/dapr/cmd/$cmd"); done
  mod="$out/module"
  rm -rf "$mod" "$out/partial" && mkdir -p "$mod" "$out/partial"
  info="$(go mod download -json "github.com/dapr/dapr@v$version")"
  gomod="$(sed -n 's/^\s*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"$info")"
  srcdir="$(sed -n 's/^\s*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$info")"
  [[ -f "$gomod" && -d "$srcdir" ]] || { echo "go mod download gave no go.mod: $info"; return 1; }
  {
    sed -e "s/@DAPR_VERSION@/$version/" \
      -e "s/@GO_DIRECTIVE@/$(awk '/^go /{print $2; exit}' "$gomod")/" \
      "$(dirname "${BASH_SOURCE[0]}")/go.mod.tmpl"
    echo
    # Both forms: `replace ( ... )` blocks and one-line `replace a => b`.
    awk '/^replace[ \t]*\(/{p=1} p{print; if ($0 ~ /^\)/) p=0; next} /^replace /{print}' "$gomod"
  } >"$mod/go.mod"
  install -m 644 "$srcdir/go.sum" "$mod/go.sum"
  # stablecomponents: the stable component set (Kafka, Redis, cron, local secrets among them);
  # without a component tag daprd panics at start. allcomponents would add alpha components.
  (cd "$mod" && CGO_ENABLED=0 nice -n 10 go build -mod=mod -trimpath -tags stablecomponents \
    -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$version" \
    -o "$out/partial/" "${pkgs[@]}")
  mv "$out"/partial/* "$out/"
  rm -rf "$out/partial" "$mod"
}
