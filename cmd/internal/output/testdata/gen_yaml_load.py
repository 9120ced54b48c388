#!/usr/bin/env python3
"""Write yaml_load.json: YAML documents and what st2's load_meta_file makes
of each (yaml.safe_load, then json.dumps as the request body), for
TestPyYAMLToJSON. The Go tests never run this; rerun it after editing CASES:

    python3 gen_yaml_load.py

Needs PyYAML (6.x). A case whose load or dump raises is recorded with the
exception's class name instead of JSON: the Go port must fail on it too.
"""

import json
import os

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    ("booleans", "a: yes\nb: No\nc: ON\nd: off\ne: true\nf: False\ng: y\nh: n\n"),
    ("integers", "dec: 42\nneg: -17\nplus: +5\nunder: 1_000_000\noctal: 0777\nbin: 0b1011\nhex: 0x1F\nsexa: 1:30\nsexa3: -1:02:03\nzero: 0\nbig: 123456789012345678901234567890\neight: 08\n"),
    ("floats", "a: 1.5\nb: -0.25\nc: .5\nd: 1.0\ne: 1.5e+3\nf: 1e3\ng: 6.02E+23\nh: 1_000.5\ni: 1:30.5\nj: 1.\nk: 0.1\nl: 1e-7\nm: 100000000000000000.0\n"),
    ("nulls", "a: ~\nb: null\nc: Null\nd:\ne: NULL\nf: nil\n"),
    ("quoted look-alikes", "a: 'yes'\nb: \"0777\"\nc: '1.5'\nd: \"~\"\ne: 'null'\nf: |\n  yes\ng: >\n  42\n"),
    ("tagged", "a: !!str 123\nb: !!int \"42\"\nc: !!float 2\nd: !!bool yes\ne: !!str yes\nf: !!null whatever\ng: !!int 0x10\n"),
    ("key types", "yes: a\n2: b\n1.5: c\n~: d\nplain: e\n0777: f\n"),
    ("merge one", "base: &b\n  x: 1\n  y: 2\nthing:\n  <<: *b\n  y: 3\n  z: 4\n"),
    ("merge list", "a: &a {k: a, only_a: 1}\nb: &b {k: b, only_b: 2}\nc:\n  <<: [*a, *b]\n  own: 3\n"),
    ("merge nested", "a: &a {p: 1}\nb: &b\n  <<: *a\n  q: 2\nc:\n  <<: *b\n  r: 3\n"),
    ("merge after own keys", "a: &a {x: 1, y: 1}\nc:\n  y: 2\n  <<: *a\n  z: 3\n"),
    ("aliases", "anchor: &v [1, 2, {k: v}]\ncopy: *v\nscalar: &s hello\nagain: *s\n"),
    ("duplicate keys", "a: 1\nb: 2\na: 3\n"),
    ("nested", "parameters:\n  cmd:\n    type: string\n    required: true\n    position: 0\n  timeout:\n    type: integer\n    default: 60\n  sudo:\n    type: boolean\n    default: no\nlist:\n  - one\n  - 2\n  - [3, yes]\n  - {k: on}\n"),
    ("st2 action", "---\nname: greet\npack: examples\ndescription: Greets someone, one line per greeting.\nrunner_type: local-shell-cmd\nenabled: yes\nentry_point: ''\nparameters:\n  cmd:\n    immutable: true\n    default: echo Hello\n  count:\n    type: integer\n    default: 03\n  delay:\n    type: number\n    default: 0.5\n"),
    ("unicode", "name: caf\u00e9\n\u65e5\u672c: \u8a9e\nemoji: \"\\U0001F600\"\n"),
    ("top-level list", "- a\n- yes\n- 1:00\n"),
    ("top-level scalar", "yes\n"),
    ("empty", ""),
    ("comment only", "# nothing\n"),
    ("flow", "{a: [1, 2, {b: c}], d: 'e', f: \"g\\nh\"}\n"),
    ("strings that stay strings", "a: 1e3\nb: 0o17\nc: 1_\nd: +.5\ne: 12:60\nf: 0x\ng: .inf.\nh: yes please\ni: '=' \nj: 1.2.3\n"),
    # What st2 cannot send: safe_load or json.dumps raises.
    ("timestamp", "when: 2001-12-14\n"),
    ("datetime", "when: 2001-12-14t21:59:43.10-05:00\n"),
    ("infinity", "x: .inf\n"),
    ("nan", "x: .NaN\n"),
    ("unknown tag", "x: !custom 1\n"),
    ("binary", "x: !!binary aGVsbG8=\n"),
    ("list key", "? [a, b]\n: c\n"),
    ("recursive", "a: &a\n  b: *a\n"),
    ("merge of a scalar", "a: &a 1\nb:\n  <<: *a\n"),
    ("value indicator", "a: =\n"),
]


def main():
    out = []
    for name, doc in CASES:
        case = {"name": name, "yaml": doc}
        try:
            case["json"] = json.dumps(yaml.safe_load(doc), ensure_ascii=False, allow_nan=False)
        except Exception as e:  # the class is what matters: it failed
            case["error"] = type(e).__name__
        out.append(case)
    with open(os.path.join(HERE, "yaml_load.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
