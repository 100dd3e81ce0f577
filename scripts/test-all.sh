#!/usr/bin/env bash
# `npm test`: every check of the project, in order, stopping at the first
# failure. Each step starts what it needs itself (servers, simulator, browser).
set -euo pipefail
cd "$(dirname "$0")/.."

# The path Playwright uses (test/e2e/playwright.config.ts reads the same variable).
CHROMIUM=${OUTPOST_CHROMIUM:-/usr/bin/chromium}
INSTALL_CHROMIUM='apt-get update && apt-get install -y chromium'

banner() {
  printf '\n==== %s ====\n' "$1"
}

# The e2e suite drives Debian's Chromium (never a downloaded one).
if [[ ! -x "$CHROMIUM" ]]; then
  if [[ "$(id -u)" -eq 0 ]]; then
    banner "Installing Chromium ($INSTALL_CHROMIUM)"
    apt-get update && apt-get install -y chromium
    if [[ ! -x "$CHROMIUM" ]]; then
      echo "test-all: installed chromium, but $CHROMIUM is still missing" >&2
      exit 1
    fi
  else
    echo "test-all: $CHROMIUM is missing. Install it first, as root:" >&2
    echo "  $INSTALL_CHROMIUM" >&2
    exit 1
  fi
fi

# Test counts, summed from the runners' own summaries (Vitest's "Tests  N passed",
# Playwright's "N passed"), for one plain closing line at the end.
n_passed=0 n_failed=0 n_skipped=0
count_tests() {
  local text
  text=$(sed 's/\x1b\[[0-9;]*m//g' "$1")
  local line
  line=$(grep -E '^ *Tests +[0-9]' <<<"$text" | tail -n 1 || true)
  if [[ -z "$line" ]]; then
    line=$(grep -E '^ +[0-9]+ (passed|failed|skipped|flaky)' <<<"$text" | tr '\n' ' ' || true)
  fi
  local n kind
  while read -r n kind; do
    case $kind in
      passed) n_passed=$((n_passed + n)) ;;
      failed) n_failed=$((n_failed + n)) ;;
      skipped) n_skipped=$((n_skipped + n)) ;;
    esac
  done < <(grep -oE '[0-9]+ (passed|failed|skipped)' <<<"$line" || true)
}
step_log=$(mktemp)
trap 'rm -f "$step_log"' EXIT

STEPS=(typecheck test:unit build test:e2e test:electron scan:electron)
started=$SECONDS
passed=()
for step in "${STEPS[@]}"; do
  banner "npm run $step"
  step_started=$SECONDS
  status=0
  npm run --silent "$step" 2>&1 | tee "$step_log" || status=$?
  count_tests "$step_log"
  if ((status != 0)); then
    echo "test-all: $n_passed passed, $n_failed failed, $n_skipped skipped"
    echo
    echo "test-all: FAILED at 'npm run $step' (after $((SECONDS - step_started)) s)."
    if ((${#passed[@]} > 0)); then echo "test-all: passed before it: ${passed[*]}"; fi
    remaining=("${STEPS[@]:${#passed[@]}+1}")
    if ((${#remaining[@]} > 0)); then echo "test-all: not run: ${remaining[*]}"; fi
    exit 1
  fi
  passed+=("$step")
  echo "---- $step passed in $((SECONDS - step_started)) s"
done

echo
echo "test-all: all ${#STEPS[@]} steps passed (${STEPS[*]}) in $((SECONDS - started)) s."
echo "test-all: $n_passed passed, $n_failed failed, $n_skipped skipped"
