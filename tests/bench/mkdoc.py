#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Rewrite the measured section of docs/benchmarks.md from a bench run.

    mkdoc.py DOC BENCH_TXT MACHINE_TXT

BENCH_TXT: the summary lines of `make bench` (tests/bench/summary.py's
output, .build/bench/bench.txt); MACHINE_TXT: "key value" lines (date,
nproc, cpu, kernel, commit, vm_kernel, vm_cpus, vm_clock, reps;
.build/bench/machine.txt).
Only the text between the BEGIN and END markers of DOC is replaced; the
hand-written sections around it stay as they are.  `BENCH_DOC=1 make
bench` runs it.
"""
import re
import sys

BEGIN = '<!-- BEGIN measured: tests/bench/mkdoc.py writes this section -->'
END = '<!-- END measured -->'
LINE = re.compile(r'^BENCH (\S+) (\S+) goal (report|<=|>=)\s*(\S*) \((.*)\)$')


def table(bench_lines):
    rows = ['| figure | median | goal | min .. max, runs | note |',
            '|---|---:|---|---|---|']
    for line in bench_lines:
        m = LINE.match(line)
        if not m:
            continue
        name, val, op, target, notes = m.groups()
        goal = 'report' if op == 'report' else '%s %s' % (op, target)
        if val == 'n/a':
            rows.append('| `%s` | n/a | %s | | %s |' % (name, goal, notes))
            continue
        parts = notes.split('; ')
        spread = parts[0].replace('min ', '').replace(' max ', ' .. ')
        rows.append('| `%s` | %s | %s | %s | %s |' % (
            name, val, goal, spread, '; '.join(parts[1:])))
    return rows


def main():
    doc, bench_txt, machine_txt = sys.argv[1:4]
    lines = [x.rstrip('\n') for x in open(bench_txt)
             if x.startswith('BENCH ')]
    mach = {}
    for x in open(machine_txt):
        k, _, v = x.rstrip('\n').partition(' ')
        mach[k] = v
    sec = [BEGIN, '',
           'Measured %s on %s (`nproc` %s), host kernel %s; tree %s; VM: '
           'Debian kernel `%s` under QEMU/TCG, %s vCPU, clock: %s; %s '
           'repetitions per figure inside the run.' % (
               mach.get('date', '?'), mach.get('cpu', '?'),
               mach.get('nproc', '?'), mach.get('kernel', '?'),
               mach.get('commit', '?'), mach.get('vm_kernel', '?'),
               mach.get('vm_cpus', '?'), mach.get('vm_clock', '?'),
               mach.get('reps', '?')),
           '', '```'] + lines + ['```', ''] + table(lines) + ['', END]
    text = open(doc).read()
    if BEGIN not in text or END not in text:
        sys.exit('%s: no measured section (%s ... %s)' % (doc, BEGIN, END))
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    open(doc, 'w').write(head + '\n'.join(sec) + tail)
    return 0


if __name__ == '__main__':
    sys.exit(main())
