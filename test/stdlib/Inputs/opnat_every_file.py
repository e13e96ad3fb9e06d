#!/usr/bin/python3
"""Misspells `openat` as `opnat` in every stdlib file, one occurrence at a
time, in a scratch copy of the stdlib, and checks that kavachc reports
`unknown syscall 'opnat'` and `did you mean 'openat'?` at that occurrence's
line and column (computed here from the edit, not taken from kavachc).

A policy file whose rules do not name openat gets `allow openat;` added at
the top of its seccomp section first (the baseline must compile), so every
policy file is covered. An occurrence in a `test { expect ... }` line is
checked with --test, the others with a compile. groups.kv is a library: a
typo there must surface in at least one policy that uses the group, at the
group's line and column, and in no other place.

Usage: opnat_every_file.py KAVACHC STDLIB_DIR SCRATCH_DIR
Prints one line per case ("ok FILE:LINE:COL" or "FAIL ..."), then a summary.
"""
import os, re, shutil, subprocess, sys

kavachc, stdlib, scratch = sys.argv[1:4]
WORD = re.compile(r'\bopenat\b')


def run(args):
    p = subprocess.run([kavachc] + args, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def fresh_copy():
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(stdlib, scratch)


def line_col(text, offset):
    line = text.count('\n', 0, offset) + 1
    col = offset - (text.rfind('\n', 0, offset) + 1) + 1
    return line, col


def in_comment(text, offset):
    start = text.rfind('\n', 0, offset) + 1
    return '//' in text[start:offset]


def with_openat_rule(text):
    """The file's text with `allow openat;` at the top of its seccomp
    section if no rule names openat (comments and expect lines aside)."""
    for m in WORD.finditer(text):
        start = text.rfind('\n', 0, m.start()) + 1
        if not in_comment(text, m.start()) and 'expect' not in text[start:m.start()]:
            return text
    m = re.search(r'^(\s*)seccomp \{\n', text, re.M)
    if not m:
        return None
    return text[:m.end()] + m.group(1) + '  allow openat;\n' + text[m.end():]


policies = sorted(f for f in os.listdir(stdlib) if f.endswith('.kv') and f != 'groups.kv')
cases = failures = 0
for name in sorted(os.listdir(stdlib)):
    if not name.endswith('.kv'):
        continue
    fresh_copy()
    path = os.path.join(scratch, name)
    text = open(path).read()
    if name != 'groups.kv':
        added = with_openat_rule(text)
        if added is None:
            print('FAIL %s: no seccomp section to add openat to' % name)
            failures += 1
            continue
        text = added
        open(path, 'w').write(text)
        rc, out = run(['--stdlib-dir', scratch, path, '-o', os.devnull])
        if rc != 0:
            print('FAIL %s: the baseline with openat does not compile:\n%s' % (name, out))
            failures += 1
            continue
    for m in WORD.finditer(text):
        if in_comment(text, m.start()):
            continue
        cases += 1
        fresh_copy()
        open(path, 'w').write(text[:m.start()] + 'opnat' + text[m.end():])
        line, col = line_col(text, m.start())
        where = '%s:%d:%d' % (path, line, col)
        start = text.rfind('\n', 0, m.start()) + 1
        is_expect = 'expect' in text[start:m.start()]
        targets = policies if name == 'groups.kv' else [name]
        outs = []
        for t in targets:
            args = ['--stdlib-dir', scratch, os.path.join(scratch, t)]
            rc, out = run(args + (['--test'] if is_expect else ['-o', os.devnull]))
            outs.append((t, rc, out))
        hits = [t for t, rc, out in outs if rc != 0 and
                '%s: error: unknown syscall \'opnat\'' % where in out and
                '%s: note: did you mean \'openat\'?' % where in out]
        stray = [t for t, rc, out in outs if "'opnat'" in out and t not in hits]
        if hits and not stray:
            print('ok %s:%d:%d (%s)' % (name, line, col, ', '.join(hits)))
        else:
            failures += 1
            print('FAIL %s:%d:%d hits=%s stray=%s' % (name, line, col, hits, stray))
            for t, rc, out in outs:
                print('--- %s (exit %d)\n%s' % (t, rc, out))
print('cases: %d, failures: %d' % (cases, failures))
sys.exit(1 if failures else 0)
