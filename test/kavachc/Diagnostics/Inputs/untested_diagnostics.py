#!/usr/bin/python3
"""Lists the diagnostics of the compiler's language front end (Parse, Sema,
Lint) that no test mentions. For every `.error(`, `.warning(`, `.note(`,
`.fatal(`, `.defaultErrorWarning(` and lint `report(` call in those
directories it takes the string literals of the message (the pieces between
Twine `+`s) and requires the longest piece (at least 8 characters) to occur
verbatim in some file under test/. A new diagnostic without a test, or a
test deleted while its diagnostic stays, shows up here.

Usage: untested_diagnostics.py SOURCE_ROOT
"""
import os, re, sys

root = sys.argv[1]
dirs = ['compiler/Parse', 'compiler/Sema', 'compiler/Lint']
call = re.compile(r'\b(?:error|warning|note|fatal|defaultErrorWarning|report)\(')
lit = re.compile(r'"((?:[^"\\]|\\.)*)"')

tests = []
for d, _, files in os.walk(os.path.join(root, 'test')):
    for f in files:
        try:
            tests.append(open(os.path.join(d, f), errors='replace').read())
        except OSError:
            pass
corpus = '\n'.join(tests)

# Messages no policy text can trigger, with the reason.
EXEMPT = {
    # The parser refuses a NUL byte in any string literal first ("string
    # contains a NUL byte", tested); Sema's check stays for text that did
    # not come through the parser.
    "path contains a NUL byte",
}

checked = missing = 0
for d in dirs:
    for f in sorted(os.listdir(os.path.join(root, d))):
        if not f.endswith('.cpp'):
            continue
        text = open(os.path.join(root, d, f)).read()
        for m in call.finditer(text):
            # The call's argument text up to the closing ');' of the statement.
            end = text.find(';', m.end())
            args = text[m.end():end]
            # Adjacent literals ("a " "b") are one string in C++.
            args = re.sub(r'"\s*\n?\s*"', '', args)
            pieces = [p.encode().decode('unicode_escape') for p in lit.findall(args)]
            # A flag id ("dangerous-syscall") is not the message.
            pieces = [p for p in pieces if not re.fullmatch(r'[a-z0-9-]+', p)]
            if not pieces:
                continue
            best = max(pieces, key=len)
            if len(best) < 8:
                continue
            checked += 1
            if best in EXEMPT:
                continue
            if best not in corpus:
                missing += 1
                line = text.count('\n', 0, m.start()) + 1
                print('untested: %s/%s:%d: "%s"' % (d, f, line, best))
print('checked: %d, untested: %d' % (checked, missing))
