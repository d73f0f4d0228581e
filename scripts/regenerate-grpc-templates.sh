#!/usr/bin/env bash
# For maintainers: regenerates the Swift code templates of the gRPC contracts.
#
#   scripts/regenerate-grpc-templates.sh          rewrite the templates
#   scripts/regenerate-grpc-templates.sh --check  regenerate into a temporary folder and fail
#                                                 when the committed templates differ
#
# A generated gRPC project carries the Swift code of its contracts, so its first
# `swift build` needs no protoc plugin. That code is what protoc and the Swift plugins
# produce; for a fixed contract shape it differs between services only in the names, so
# rules/templates/ keeps it as templates with the names as Mustache tags:
#
#   grpc/Protos/{{protoPackage}}/v1/{{protoPackage}}.proto.mustache   (the contract, edited by hand)
#     -> grpc/Sources/{{serviceAPITarget}}/{{protoPackage}}.pb.swift.mustache
#     -> grpc/Sources/{{serviceAPITarget}}/{{protoPackage}}.grpc.swift.mustache
#   events-grpc/Protos/eventing/delivery/v1/delivery.proto            (fixed names)
#     -> events-grpc/Sources/Eventing/delivery.pb.swift, delivery.grpc.swift
#   grpc/Protos/grpc/health/v1/health.proto                           (the standard grpc.health.v1)
#     -> grpc/Sources/GRPCHealth/health.pb.swift, health.grpc.swift
#
# How: the contract template is rendered for a sentinel service name ("zebra") with and
# without its {{#streaming}} parts, protoc runs with protoc-gen-swift and
# protoc-gen-grpc-swift-2 (built once, at the versions the generated projects pin, in
# $PLUGIN_DIR), the sentinel is turned back into tags, and the two shapes become one
# template (shared lines once, differing hunks in {{#streaming}}/{{^streaming}} sections). Then the
# templates are checked against real protoc output for the names "order-history" and
# "a1-b2", so a name the substitution gets wrong fails here, not in a user's build.
#
# Needs: protoc (Debian: apt-get install protobuf-compiler), swift, python3, git access to the
# packages below. Environment: PLUGIN_DIR (default /tmp/archadvisor-grpc-plugins).
set -euo pipefail

# Keep in step with ScaffoldContext (swiftProtobufVersion, grpcProtobufVersion, grpcSwiftVersion).
swift_protobuf_version=1.39.0
grpc_swift_protobuf_version=2.4.1
grpc_swift_version=2.4.3

check=0
case ${1:-} in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: scripts/regenerate-grpc-templates.sh [--check]" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
templates=$root/rules/templates
plugin_dir=${PLUGIN_DIR:-/tmp/archadvisor-grpc-plugins}
command -v protoc >/dev/null || { echo "regenerate-grpc-templates: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/regenerate-grpc.XXXXXX")
trap '[[ ${KEEP_WORK:-0} == 1 ]] || rm -rf "$work"' EXIT

# --- the plugins ---------------------------------------------------------------------------
mkdir -p "$plugin_dir"
cat >"$plugin_dir/Package.swift" <<EOF
// swift-tools-version: 6.0
// Builds the protoc plugins for scripts/regenerate-grpc-templates.sh (throwaway package).
import PackageDescription
let package = Package(
    name: "grpc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "$swift_protobuf_version"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "$grpc_swift_protobuf_version"),
        .package(url: "https://github.com/grpc/grpc-swift-2", exact: "$grpc_swift_version"),
    ],
    targets: []
)
EOF
echo "building protoc-gen-swift and protoc-gen-grpc-swift-2 in $plugin_dir"
(cd "$plugin_dir" && swift build -c release --product protoc-gen-swift >/dev/null \
  && swift build -c release --product protoc-gen-grpc-swift-2 >/dev/null)
plugins=$(cd "$plugin_dir" && swift build -c release --show-bin-path)

generate() { # INCLUDE_DIR PROTO_PATH OUT_DIR
  mkdir -p "$3"
  protoc -I "$1" \
    --plugin=protoc-gen-swift="$plugins/protoc-gen-swift" \
    --plugin=protoc-gen-grpc-swift-2="$plugins/protoc-gen-grpc-swift-2" \
    --swift_out="$3" --swift_opt=Visibility=Public,FileNaming=DropPath \
    --grpc-swift-2_out="$3" --grpc-swift-2_opt=Visibility=Public,FileNaming=DropPath \
    "$2"
}

# Renders the contract template for one name, with or without streaming (a stand-in for
# Mustache that knows only the tags the contract uses; see the check below).
render_proto() { # PACKAGE TYPE STREAMING(0|1)
  local sections
  if [[ $3 == 1 ]]; then
    sections='/^{{[#\/]streaming}}$/d'
  else
    sections='/^{{#streaming}}$/,/^{{\/streaming}}$/d'
  fi
  sed -e "$sections" -e "s/{{protoPackage}}/$1/g" -e "s/{{Service}}/$2/g" \
    "$templates/grpc/Protos/{{protoPackage}}/v1/{{protoPackage}}.proto.mustache"
}

contract_tags=$(grep -o '{{[^}]*}}' "$templates/grpc/Protos/{{protoPackage}}/v1/{{protoPackage}}.proto.mustache" | sort -u | tr '\n' ' ')
if [[ $contract_tags != "{{#streaming}} {{/streaming}} {{Service}} {{protoPackage}} " ]]; then
  echo "regenerate-grpc-templates: the contract template uses tags this script cannot render: $contract_tags" >&2
  exit 1
fi

generate_service() { # PACKAGE TYPE STREAMING OUT_DIR
  mkdir -p "$work/in-$1-$3/$1/v1"
  render_proto "$1" "$2" "$3" >"$work/in-$1-$3/$1/v1/$1.proto"
  generate "$work/in-$1-$3" "$1/v1/$1.proto" "$4"
}

# --- the service contract: two shapes, sentinel names -> tags ---------------------------
out=$work/out
mkdir -p "$out/grpc" "$out/events-grpc"
for streaming in 1 0; do
  generate_service zebra Zebra "$streaming" "$work/zebra-$streaming"
done
if grep -l -e '{{' -e '}}' "$work"/zebra-*/*.swift; then
  echo "regenerate-grpc-templates: generated code contains '{{' or '}}', which Mustache would read as tags" >&2
  exit 1
fi
if grep -h -o -i '[a-z0-9_]*zebra[a-z0-9_]*' "$work"/zebra-*/*.swift \
  | grep -v -x -e 'zebra' -e 'Zebra' -e 'Zebra_V1_[A-Za-z]*' -e 'ZebraService' -e 'ZebraAPI' -e 'zebra_v1_ZebraService' | sort -u | grep .; then
  echo "regenerate-grpc-templates: the sentinel name appears in a form the substitution does not cover (above)" >&2
  exit 1
fi
# Sentinel -> tags. grpc-swift names the service descriptor `<package as lowerCamelCase>_v1_<Service>`
# (orderHistory_v1_OrderHistoryService): that is {{serviceIdentifier}}. A missing final
# newline is added, so the closing tag stands on its own line.
to_tags() { # FILE
  sed -e 's/zebra_v1_ZebraService/{{serviceIdentifier}}_v1_{{Service}}Service/g' \
    -e 's/Zebra/{{Service}}/g' -e 's/zebra/{{protoPackage}}/g' -e '$a\' "$1"
}
# The two shapes become one template: the lines they share once, the hunks where they
# differ as {{#streaming}}...{{/streaming}}{{^streaming}}...{{/streaming}}, each tag on a line of its own.
merge_shapes() { # WITH WITHOUT
  python3 - "$1" "$2" <<'PY'
import difflib, sys
with_lines = open(sys.argv[1]).read().splitlines(keepends=True)
without_lines = open(sys.argv[2]).read().splitlines(keepends=True)
out = []
matcher = difflib.SequenceMatcher(a=with_lines, b=without_lines, autojunk=False)
for op, a1, a2, b1, b2 in matcher.get_opcodes():
    if op == "equal":
        out += with_lines[a1:a2]
        continue
    if a2 > a1:
        out += ["{{#streaming}}\n"] + with_lines[a1:a2] + ["{{/streaming}}\n"]
    if b2 > b1:
        out += ["{{^streaming}}\n"] + without_lines[b1:b2] + ["{{/streaming}}\n"]
sys.stdout.write("".join(out))
PY
}
for kind in pb grpc; do
  to_tags "$work/zebra-1/zebra.$kind.swift" >"$work/with.$kind"
  to_tags "$work/zebra-0/zebra.$kind.swift" >"$work/without.$kind"
  merge_shapes "$work/with.$kind" "$work/without.$kind" >"$out/grpc/{{protoPackage}}.$kind.swift.mustache"
done

# --- check the substitution against protoc for real names --------------------------------
render_code() { # TEMPLATE PACKAGE TYPE IDENTIFIER STREAMING
  local sections
  if [[ $5 == 1 ]]; then
    sections='/^{{^streaming}}$/,/^{{\/streaming}}$/d;/^{{[#\/]streaming}}$/d'
  else
    sections='/^{{#streaming}}$/,/^{{\/streaming}}$/d;/^{{^streaming}}$/d;/^{{\/streaming}}$/d'
  fi
  sed -e "$sections" -e "s/{{protoPackage}}/$2/g" -e "s/{{Service}}/$3/g" -e "s/{{serviceIdentifier}}/$4/g" "$1"
}
# package:Type:identifier, as ScaffoldNames derives them from order-history and a1-b2.
for name in order_history:OrderHistory:orderHistory a1_b2:A1B2:a1B2; do
  IFS=: read -r package type identifier <<<"$name"
  for streaming in 1 0; do
    generate_service "$package" "$type" "$streaming" "$work/check-$package-$streaming"
    for kind in pb grpc; do
      if ! diff -q <(render_code "$out/grpc/{{protoPackage}}.$kind.swift.mustache" "$package" "$type" "$identifier" "$streaming") \
        <(sed -e '$a\' "$work/check-$package-$streaming/$package.$kind.swift") >/dev/null; then
        echo "regenerate-grpc-templates: the $kind template rendered for $package (streaming=$streaming) differs from protoc's output" >&2
        exit 1
      fi
    done
  done
done

# --- the fixed contracts (event delivery, grpc.health.v1): copied as is ------------------------
generate "$templates/events-grpc/Protos" eventing/delivery/v1/delivery.proto "$out/events-grpc"
generate "$templates/grpc/Protos" grpc/health/v1/health.proto "$out/health"
# With a final newline, as a project's scripts/generate-grpc.sh writes them.
for file in "$out"/events-grpc/*.swift "$out"/health/*.swift; do
  if [[ -n $(tail -c 1 "$file") ]]; then echo >>"$file"; fi
done

# --- write or compare ------------------------------------------------------------------------
targets=(
  "$out/grpc/{{protoPackage}}.pb.swift.mustache:$templates/grpc/Sources/{{serviceAPITarget}}/{{protoPackage}}.pb.swift.mustache"
  "$out/grpc/{{protoPackage}}.grpc.swift.mustache:$templates/grpc/Sources/{{serviceAPITarget}}/{{protoPackage}}.grpc.swift.mustache"
  "$out/events-grpc/delivery.pb.swift:$templates/events-grpc/Sources/Eventing/delivery.pb.swift"
  "$out/events-grpc/delivery.grpc.swift:$templates/events-grpc/Sources/Eventing/delivery.grpc.swift"
  "$out/health/health.pb.swift:$templates/grpc/Sources/GRPCHealth/health.pb.swift"
  "$out/health/health.grpc.swift:$templates/grpc/Sources/GRPCHealth/health.grpc.swift"
)
status=0
for pair in "${targets[@]}"; do
  from=${pair%%:*} to=${pair#*:}
  if [[ $check == 1 ]]; then
    if ! cmp -s "$from" "$to"; then
      echo "out of date: ${to#"$root"/}"
      status=1
    fi
  else
    mkdir -p "$(dirname "$to")"
    cp "$from" "$to"
    echo "wrote ${to#"$root"/}"
  fi
done
if [[ $check == 1 && $status == 0 ]]; then echo "regenerate-grpc-templates: templates are up to date"; fi
exit "$status"
