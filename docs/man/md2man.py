#!/usr/bin/python3
"""Turns one of docs/man/*.md into a gzip'd roff man page (the one source of
kavach's man pages; the .md files read fine on GitHub too).

The Markdown subset it understands, nothing more:
  % NAME(SECTION) | TITLE        first line: page name, section, manual title
  # HEADING                      a section (.SH, upper-cased)
  `--opt=X`                      a line that is only code starts a tagged
    indented text                paragraph (.TP): the option, then its text
  - item                         a bullet list item
  ```  ...  ```                  a literal block (.nf/.fi)
  **bold**, `code` (bold), *italic*, blank line = new paragraph
Standard library only, so the build needs nothing but /usr/bin/python3.
Output is reproducible (gzip mtime 0).
"""
import gzip
import re
import sys


def inline(text):
    text = text.replace("\\", "\\e")
    text = re.sub(r"\*\*(.+?)\*\*", r"\\fB\1\\fR", text)
    text = re.sub(r"`(.+?)`", r"\\fB\1\\fR", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)\*(?!\w)", r"\\fI\1\\fR", text)
    text = text.replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def convert(lines):
    m = re.match(r"^% *([\w.-]+)\((\d)\) *\| *(.*)$", lines[0])
    if not m:
        sys.exit("md2man: first line must be '% NAME(SECTION) | TITLE'")
    name, section, title = m.groups()
    out = ['.TH "%s" "%s" "" "kavach" "%s"' % (name.upper(), section, title)]
    in_code = False
    for line in lines[1:]:
        if line.startswith("```"):
            out.append(".nf\n.RS 4" if not in_code else ".RE\n.fi")
            in_code = not in_code
            continue
        if in_code:
            out.append(("\\&" + line.replace("\\", "\\e")) if line else "")
            continue
        if line.startswith("# "):
            out.append(".SH " + inline(line[2:].strip().upper()))
        elif not line.strip():
            out.append(".PP")
        elif re.match(r"^`[^`]+`( `[^`]+`)*\s*$", line):
            out.append(".TP\n" + inline(line.strip()))
        elif line.startswith("- "):
            out.append(".IP \\(bu 2\n" + inline(line[2:].strip()))
        else:
            out.append(inline(line.strip()))
    # A paragraph break right after a heading or before a .TP is noise.
    text = "\n".join(out) + "\n"
    text = re.sub(r"\n\.PP\n(?=\.(SH|TP|PP|IP))", "\n", text)
    text = re.sub(r"(\.SH [^\n]*)\n\.PP\n", r"\1\n", text)
    return text


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: md2man.py PAGE.md OUT.gz")
    with open(sys.argv[1], encoding="utf-8") as f:
        roff = convert(f.read().splitlines())
    with open(sys.argv[2], "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(roff.encode("utf-8"))


if __name__ == "__main__":
    main()
