# Writes one Hugo page per case file: the record as TOML front matter, followed by the
# commits that touched it (from `git log --name-only`), so the page carries the same record
# and commit trail that cme's case page shows (cme adds the field-level changes on top).
#   git log --format='@%H%x09%an%x09%aI%x09%s' --name-only -- cases > LOG
#   find SRC -name '*.toml' > LIST      # SRC holds the checked-out cases/ folder
#   awk -v D=content/cases -v LOG=LOG -v LIST=LIST -f content.awk
function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
BEGIN {
  while ((getline line < LOG) > 0) {
    if (substr(line, 1, 1) == "@") {
      split(substr(line, 2), f, "\t")
      entry = "\n[[commit]]\nid = \"" f[1] "\"\nauthor = \"" esc(f[2]) "\"\ndate = \"" f[3] "\"\nmessage = \"" esc(f[4]) "\"\n"
    } else if (line != "") {
      trail[line] = trail[line] entry
    }
  }
  while ((getline file < LIST) > 0) {
    path = file; sub(/^.*\/cases\//, "cases/", path)
    n = file; sub(/.*\//, "", n); sub(/\.toml$/, "", n)
    out = D "/" n ".md"
    print "+++\ntitle = \"" n "\"" > out
    while ((getline line < file) > 0) print line > out
    close(file)
    printf "%s+++\n", trail[path] > out
    close(out)
  }
}
