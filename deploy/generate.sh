#!/usr/bin/env bash
# Writes the generated parts of deploy/cloudformation.yaml again, from the runbooks and playbooks the image serves (runbooks/, playbooks/):
# the EventBridge rules and the queue's policy (opsbook deploy rules), the task role's policy
# (opsbook policy --service). Run it from anywhere after changing a runbook's triggers or steps;
# CloudFormationTemplateTest fails until the template matches.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
template=deploy/cloudformation.yaml
rules="$(mktemp)"; policy="$(mktemp)"; out="$(mktemp)"
trap 'rm -f "$rules" "$policy" "$out"' EXIT
./opsbook deploy rules runbooks/ playbooks/ --format cloudformation >"$rules"
./opsbook policy runbooks/ playbooks/ --service --format cloudformation >"$policy"
# each BEGIN line is followed by the command's output, indented as the BEGIN line is, up to its END line
awk -v rules="$rules" -v policy="$policy" '
  function splice(file, indent,   line) { while ((getline line < file) > 0) print (line == "" ? "" : indent line); close(file) }
  /# BEGIN opsbook / { print; match($0, /^ */); indent = substr($0, 1, RLENGTH)
                        splice(index($0, "deploy rules") ? rules : policy, indent); skipping = 1; next }
  /# END opsbook / { skipping = 0 }
  !skipping { print }
' "$template" >"$out"
mv "$out" "$template"
trap 'rm -f "$rules" "$policy"' EXIT
echo "deploy/generate.sh: $template written again from runbooks/ and playbooks/" >&2
