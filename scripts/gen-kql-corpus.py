#!/usr/bin/env python3
"""Writes tests/kql/corpus/generated.kql: queries over the Azure ML tables made from templates,
about half of them valid and half with a misspelt, dropped, renamed or miscased table or column,
for the differential tests against Microsoft's KQL analyser. Deterministic (fixed seed).

Usage: scripts/gen-kql-corpus.py > tests/kql/corpus/generated.kql
"""
import random
import re
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
catalog = (root / "src/catalog/builtin.yaml").read_text()
tables = {}
current = None
in_tables = False
for line in catalog.splitlines():
    if line.startswith("tables:"):
        in_tables = True
        continue
    if in_tables and re.match(r"^\S", line):
        in_tables = False
    if not in_tables:
        continue
    m = re.match(r"^  - name: (\w+)", line)
    if m:
        current = m.group(1)
        tables[current] = []
        continue
    m = re.match(r"^      - \{name: (\w+)", line)
    if m and current:
        tables[current].append(m.group(1))

rnd = random.Random(13)
names = sorted(tables)


def pick_table():
    t = rnd.choice(names)
    cols = [c for c in tables[t] if c != "TimeGenerated"]
    return t, cols


def typo(word):
    i = rnd.randrange(1, len(word))
    return word[:i] + word[i + 1:] if len(word) > 3 else word + "x"


templates = [
    lambda t, c: f'{t}\n| where {c[0]} == "a"',
    lambda t, c: f'{t}\n| where TimeGenerated > ago({rnd.randint(1, 48)}h)\n| summarize count() by {c[0]}',
    lambda t, c: f'{t}\n| project {c[0]}, {c[1]}\n| where {c[0]} != ""',
    lambda t, c: f'{t}\n| project {c[0]}\n| where {c[1]} == ""',
    lambda t, c: f'{t}\n| where {typo(c[0])} == "a"',
    lambda t, c: f'{typo(t)}\n| take 1',
    lambda t, c: f'{t}\n| extend N = strlen({c[0]})\n| summarize max(N) by {c[1]}',
    lambda t, c: f'{t}\n| summarize n = count() by {c[0]}\n| where n > 1\n| order by n desc',
    lambda t, c: f'{t}\n| summarize arg_max(TimeGenerated, *) by {c[0]}\n| project {c[1]}, TimeGenerated',
    lambda t, c: f'{t}\n| project-rename X = {c[0]}\n| where X == "a"',
    lambda t, c: f'{t}\n| project-rename X = {c[0]}\n| where {c[0]} == "a"',
    lambda t, c: f'{t}\n| distinct {c[0]}, {c[1]}\n| where {c[2]} == ""',
    lambda t, c: f'{t}\n| summarize count() by {c[0]}\n| where count_ > 1 and {c[1]} == ""',
    lambda t, c: f'{t}\n| top 5 by TimeGenerated desc\n| project {c[0]}',
    lambda t, c: f'let x = {t} | where TimeGenerated > ago(1d);\nx\n| project {c[0]}',
    lambda t, c: f'{t}\n| project {c[0].lower()}',
    lambda t, c: f'{t}\n| make-series n = count() on TimeGenerated step 1h by {c[0]}\n| project {c[1]}',
    lambda t, c: f'{t}\n| parse {c[0]} with * "a" P:string\n| project P, {c[1]}',
    lambda t, c: f'{t}\n| extend {c[0]}2 = {c[0]}\n| project {c[0]}2\n| where isnotempty({c[0]}2)',
    lambda t, c: f'{t}\n| where {c[0]} in ("a", "b") or {c[1]} has "c"\n| count',
    lambda t, c: f'{t}\n| project-away {c[0]}\n| where {c[0]} == ""',
    lambda t, c: f'{t}\n| summarize Last = max(TimeGenerated) by {c[0]}, bin(TimeGenerated, 1h)\n| where Last < ago(1h)',
    lambda t, c: f'{t}\n| join kind=inner ({t} | project {c[0]}, Other = {c[1]}) on {c[0]}\n| project {c[0]}, Other',
    lambda t, c: f'{t}\n| join kind=leftsemi ({t} | project {c[0]}) on {c[0]}\n| project {c[1]}',
    lambda t, c: f'{t}\n| serialize\n| extend P = prev({c[0]})\n| where P != {c[0]}',
]

out = []
for i in range(336):
    t, cols = pick_table()
    rnd.shuffle(cols)
    cols = cols[:3] if len(cols) >= 3 else (cols * 3)[:3]
    out.append(templates[i % len(templates)](t, cols))
sys.stdout.write("\n// ====\n".join(out) + "\n")
