# Sourced by the bench scripts that own one section of BENCHMARKS.md.
#
# write_section NAME TEXT: replaces the block between "<!-- NAME: begin" and "<!-- NAME: end -->"
# (TEXT carries both markers) and puts it at the end of the file, below the analysis marker, so
# that bench/run.sh, which rewrites everything above that marker, keeps it.
write_section() {
  local name=$1 text=$2 file="$root/BENCHMARKS.md" tmp
  local notes_marker='<!-- Analysis: kept by bench/run.sh when it rewrites the figures above. -->'
  tmp="$(mktemp)"
  touch "$file"
  grep -qF "$notes_marker" "$file" || printf '\n%s\n' "$notes_marker" >> "$file"
  SECTION="$text" NAME="$name" awk '
    index($0, "<!-- " ENVIRON["NAME"] ": begin") == 1 { skipping = 1; next }
    $0 == "<!-- " ENVIRON["NAME"] ": end -->" { skipping = 0; next }
    !skipping { print }
    END { print ""; print ENVIRON["SECTION"] }' "$file" | cat -s > "$tmp"
  mv "$tmp" "$file"
}
