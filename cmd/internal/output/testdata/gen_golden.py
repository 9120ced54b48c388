#!/usr/bin/env python3
"""Regenerate the reference golden files from the real st2 CLI formatters.

The Go tests never run this; they only compare against the files it wrote.
Run it when cases.json changes, or to re-check the Go port against st2:

    ST2CLIENT=/path/to/st2/st2client PYTHONPATH=/path/to/prettytable/src \
        python3 gen_golden.py

Needs: PyYAML, orjson, six and wcwidth importable; prettytable 3.11 (the
version st2 pins) on PYTHONPATH; ST2CLIENT pointing at the st2client
directory of a StackStorm/st2 checkout (the one holding the st2client
package). jsonpath_rw is stubbed: only simple dotted keys are used.

For every case in cases.json it prints what `st2 <resource> list|get` would
print for that API data and those flags, exactly as st2client's
Command.print_output does, and writes it to <name>.golden next to this file.
"""

import contextlib
import io
import json
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))

sys.path.insert(0, os.environ["ST2CLIENT"])
jsonpath_stub = types.ModuleType("jsonpath_rw")


def _no_jsonpath(expr):
    raise RuntimeError("complex key %r not supported by the generator" % expr)


jsonpath_stub.parse = _no_jsonpath
sys.modules.setdefault("jsonpath_rw", jsonpath_stub)

import prettytable  # noqa: E402
from st2client.formatters import doc, table  # noqa: E402

try:
    _pt_version = prettytable.__version__
except Exception:  # a source checkout has no package metadata
    _pt_version = "unknown (source checkout)"
if not _pt_version.startswith("3.11"):
    print("warning: prettytable %s, st2 pins 3.11" % _pt_version, file=sys.stderr)


class Entry(object):
    """Stand-in for st2client.models.core.Resource: one attribute per key."""

    def __init__(self, d):
        for k, v in d.items():
            setattr(self, k, v)


def print_output(out, subject, formatter, **kwargs):
    # st2client.commands.Command.print_output / format_output
    if subject:
        if kwargs.get("json"):
            output = doc.JsonFormatter.format(subject, **kwargs)
        elif kwargs.get("yaml"):
            output = doc.YAMLFormatter.format(subject, **kwargs)
        else:
            output = formatter.format(subject, **kwargs)
        print(output, file=out)
    else:
        print("No matching items found", file=out)


def render(case):
    fmt = case.get("format", "table")
    os.environ["COLUMNS"] = str(case.get("columns", 150))
    out = io.StringIO()
    err = io.StringIO()
    if case["view"] == "list":
        entries = [Entry(d) for d in case["input"]]
        attrs = case.get("attrs") or case["defaults"]
        print_output(out, entries, table.MultiColumnTable, attributes=attrs,
                     widths=case.get("widths"), json=fmt == "json",
                     yaml=fmt == "yaml")
        note = case.get("note")
        if note and fmt == "table":
            with contextlib.redirect_stderr(err):
                table.SingleRowTable.note_box(note["plural"], note["limit"])
    else:
        subject = Entry(case["input"])
        attrs = case.get("attrs") or ["all"]
        print_output(out, subject, table.PropertyValueTable, attributes=attrs,
                     json=fmt == "json", yaml=fmt == "yaml",
                     attribute_display_order=case.get("order", ["id", "name", "description"]))
    return out.getvalue() + err.getvalue()


# Alphabet for the generated strings: word characters, digits, hyphens
# (textwrap's hyphen and em-dash rules), YAML indicators, quotes, spaces,
# line breaks and a few non-ASCII letters.
FUZZ_ALPHABET = list("aaaaabcdeXYZ0123456789----   .,;:!?#&*'\"[]{}|>%@`~=<_/\\\n\t") + [
    "\u00e9", "\u00df", "\u65e5", "\u00a0", "\u2028", "\U0001F600", "\r", "\x00", "\x7f"]


def fuzz_strings(rng, count, max_len):
    out = []
    for _ in range(count):
        n = rng.randint(0, max_len)
        out.append("".join(rng.choice(FUZZ_ALPHABET) for _ in range(n)))
    return out


def write_fuzz():
    """Random strings through textwrap.fill, json.dumps and yaml.safe_dump."""
    import random
    import textwrap

    import yaml

    rng = random.Random(20240601)
    wrap = []
    for text in fuzz_strings(rng, 400, 60):
        # prettytable only wraps lines without control characters
        text = "".join(c for c in text if c not in "\n\t\r\x00\x7f")
        width = rng.randint(1, 20)
        wrap.append({"text": text, "width": width, "want": textwrap.fill(text, width)})
    with open(os.path.join(HERE, "fuzz_textwrap.json"), "w") as f:
        json.dump(wrap, f, indent=1)

    docs = []
    for text in fuzz_strings(rng, 250, 100):
        doc = {"k": text, "list": [text, {"n": text}], text[:20]: 1}
        docs.append({
            "input": doc,
            "json": json.dumps(doc, indent=4, sort_keys=True),
            "yaml": yaml.safe_dump(doc, indent=4, default_flow_style=False),
        })
    with open(os.path.join(HERE, "fuzz_docs.json"), "w") as f:
        json.dump(docs, f, indent=1)
    print("wrote fuzz_textwrap.json (%d) and fuzz_docs.json (%d)" % (len(wrap), len(docs)))


def main():
    with open(os.path.join(HERE, "cases.json")) as f:
        cases = json.load(f)
    for case in cases:
        with open(os.path.join(HERE, case["name"] + ".golden"), "w", newline="") as f:
            f.write(render(case))
    print("wrote %d golden files" % len(cases))
    write_fuzz()


if __name__ == "__main__":
    main()
