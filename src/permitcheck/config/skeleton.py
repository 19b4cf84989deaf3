"""`permitcheck init --configuration`: a commented configuration file to fill in."""

from __future__ import annotations

SKELETON = """\
# permitcheck configuration (docs/configuration.md). Every permitcheck command run in this
# folder or below reads it; the command line wins over it. Paths are relative to this file.
# permitcheck 配置文件：在此目录及其子目录中运行的命令都会读取；命令行选项优先。
#
# paths: ["dossiers"]                # what `permitcheck validate` checks when given no file
# exclude: ["archive", "*.draft.yaml"]   # left out of folder scans and patterns
# fail_on: error                     # error, or warning: warnings make a dossier not ready too
# warn_days: 14                      # early warnings this many days before a window closes
# lang: en                           # en or zh
# format: text                       # text, json, junit, sarif, github, markdown (or a list)
# output: reports/permitcheck.txt    # a file per format, in order
# rules: rules                       # a folder of rule packs, used before the installed ones
#
# What the acceptance window accepted in writing although a rule refuses it: shown as waived,
# not failing, until `expires` (at most a year ahead). 豁免：受理窗口书面接受的事项。
# waivers:
#   - rule: {city}.new.degree.authentication   # `permitcheck validate --verbose` shows rule ids
#     paths: ["dossiers/mehta.yaml"]           # the dossiers it is for (default: every one)
#     reason: ""                               # why, and where the window said so (a ticket)
#     approved_by: ""                          # who approved it
#     expires: 2027-03-31                      # the last day it waives
"""


def skeleton(city: str) -> str:
    """The configuration skeleton, its example waiver for a rule of `city`."""
    return SKELETON.replace("{city}", city)
