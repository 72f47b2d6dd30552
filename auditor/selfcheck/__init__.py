"""The authors' self-check: `nas-audit init` and `nas-audit check`.

config.py   the whole nas-audit.yaml (strict top level: rerun, answers, waive)
declared.py declared answers and waivers compared with the audit's verdicts
policy.py   `--fail-on`: which statuses and agreements, in which sections, fail a run
tiers.py    static, smoke or full: how much of the pipeline `check` runs
init.py     the commented nas-audit.yaml that `init` writes
summary.py  the text `check` prints: contradictions first
"""

CONFIG_NAME = "nas-audit.yaml"  # the authors' answers, waivers and re-run manifest, in one file
