#!/bin/sh
# learn-and-run.sh KAVACH-LAUNCH KAVACHC: in a fresh directory of the calling
# user, learn a policy for a pipeline, lint and compile it, run the pipeline
# under it, and compare the outputs.
set -eu
dir=$(mktemp -d /var/tmp/kavach-learn.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
"$1" --learn p.kv -- /bin/sh -c 'ls /usr | wc -l' > learned.out
echo "learned: $(grep '^policy' p.kv)"
"$2" --lint --fail-on=error p.kv
"$2" p.kv -o p.bin
"$1" p.bin -- /bin/sh -c 'ls /usr | wc -l' > run.out
cmp learned.out run.out && echo "same output: 1"
