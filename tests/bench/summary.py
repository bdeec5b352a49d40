#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise `make bench`'s raw measurements into its BENCH lines.

    summary.py RAW...

Reads the raw lines the host benchmarks and the VM suites print, wherever
they are in a line (the VM harness puts "bench/deb612: " before them):

    BENCH raw NAME VALUE [details]   one repetition's value of a figure
    BENCH na NAME WHY                why a figure could not be measured

and prints, for every figure of issue 17 in a fixed order, one line

    BENCH NAME MEDIAN goal OP TARGET (min A max B, N runs[; ...])

or, when no repetition was measured, "BENCH NAME n/a goal OP TARGET (why)".
A figure whose min..max crosses its goal says "spread crosses goal"; one
with fewer than MIN_RUNS repetitions says so.  Exit status 0.
"""
import re
import statistics
import sys

MIN_RUNS = 5

# name, op, target (None: reported, no goal), decimals
FIGURES = [
    ('qgsd_latency_ratio', '<=', 1.05, 3),
    ('qgsd_latency_ratio_tcg', None, None, 2),
    ('engine_throughput_ratio_16', '>=', 0.95, 2),
    ('rt_wakeup_excess_slices', '<=', 2, 1),
    ('verify_cost_ratio', '<=', 1.2, 2),
    ('verify_batch_cost_ratio', '<=', 1.2, 2),
    ('verify_cost_ratio_deb13', '<=', 1.2, 2),
    ('verify_batch_cost_ratio_deb13', '<=', 1.2, 2),
    ('pool_load_ratio', '<=', 1.5, 2),
    ('engine_overhead_pct', '<=', 2, 2),
]

RAW = re.compile(r'BENCH raw (\S+) (\S+)')
NA = re.compile(r'BENCH na (\S+) (.*)$')


def goal_text(op, target):
    return 'goal report' if op is None else 'goal %s %g' % (op, target)


def summarise(lines):
    vals, why = {}, {}
    for line in lines:
        m = RAW.search(line)
        if m:
            try:
                vals.setdefault(m.group(1), []).append(float(m.group(2)))
            except ValueError:
                why.setdefault(m.group(1), 'unreadable value %r' %
                               m.group(2))
            continue
        m = NA.search(line)
        if m:
            why.setdefault(m.group(1), m.group(2).strip())
    out = []
    for name, op, target, dec in FIGURES:
        v = vals.get(name, [])
        g = goal_text(op, target)
        if not v:
            out.append('BENCH %s n/a %s (%s)' % (
                name, g, why.get(name, 'not measured in this run')))
            continue
        med, lo, hi = statistics.median(v), min(v), max(v)
        f = '%.' + str(dec) + 'f'
        notes = ['min %s max %s, %d run%s' % (f % lo, f % hi, len(v),
                                               '' if len(v) == 1 else 's')]
        if len(v) < MIN_RUNS:
            notes.append('fewer than %d runs' % MIN_RUNS)
        if op == '<=' and lo <= target < hi:
            notes.append('spread crosses goal')
        elif op == '>=' and lo < target <= hi:
            notes.append('spread crosses goal')
        out.append('BENCH %s %s %s (%s)' % (name, f % med, g,
                                             '; '.join(notes)))
    return out


def main():
    lines = []
    for path in sys.argv[1:] or ['-']:
        f = sys.stdin if path == '-' else open(path, errors='replace')
        lines += f.read().splitlines()
    for line in summarise(lines):
        print(line)
    return 0


if __name__ == '__main__':
    sys.exit(main())
