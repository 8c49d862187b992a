#!/usr/bin/env python3
"""Generates tests/cases/FP*.json: the plant prong of the 734.9 FDP rules (e)(2), (e)(3), (h), (i).

Each rule's plant prong reaches an item only when the plant (or a major component of it) is a direct
product of US-origin technology/software on the ECCN list the paragraph names. Every pair is the same
facts twice: the plant's lineage on the paragraph's list (subject, the rule fires) and off it (9E003,
hot-section technology, on no chip FDP list: the rule must not fire). Run from the repo root; the
files are written, not edited by hand.
"""
import copy
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "cases"
OUT = ROOT / "tests" / "cases"


def load(path):
    return json.loads(pathlib.Path(path).read_text())


def plant(case, tech):
    for it in case["transaction"]["items"]:
        it["production"] = {"us_technology": [], "us_software": [], "plant_us_origin": True,
                            "plant": {"us_technology": tech, "us_software": []}}
    return case


def write(name, case):
    (OUT / f"{name}.json").write_text(json.dumps(case, indent=1) + "\n")


def pair(prefix, base, title, cite, on_list, extra_cites, source):
    on = plant(copy.deepcopy(base), on_list)
    on["name"] = f"{prefix}a {title}: plant a direct product of US {on_list[0]} (on the list of {cite})"
    on["source"] = source
    on["expect"] = {"jurisdictions": {"US": {"outcome": "LICENSE_REQUIRED", "subject": True,
                                             "cites": [cite] + extra_cites}}}
    write(prefix + "a", on)
    off = plant(copy.deepcopy(base), ["9E003"])
    off["name"] = f"{prefix}b {title}: plant a direct product of US 9E003 only (on no list of {cite})"
    off["source"] = source + "; the plant prong needs the plant's lineage on the paragraph's list"
    off["expect"] = {"jurisdictions": {"US": {"outcome": "NOT_SUBJECT", "subject": False}}}
    write(prefix + "b", off)


# (e)(2): footnote 4 entity a party (R13's facts without the EDA software).
r13 = load(OUT / "R13.json")
pair("FP01", r13, "28 nm chip to a footnote 4 entity", "734.9(e)(2)", ["3E001"], ["744.11"],
     "15 CFR 734.9(e)(2)(i) (plant prong), (e)(2)(ii); constructed")
# (e)(3): footnote 5 entity (S07's Malaysian 3B991 tool).
s07 = load(OUT / "S07.json")
pair("FP02", s07, "Malaysian 3B991 tool to a footnote 5 entity", "734.9(e)(3)", ["3E991"], ["744.11(a)(2)(v)"],
     "15 CFR 734.9(e)(3)(i)(B) (plant prong: 3D001, 3D901, 3D991-3D994, 3E001, 3E901, 3E991-3E994); constructed")
# (h): advanced computing (E11's accelerator).
e11 = load(SHARED / "us" / "E11.json")
pair("FP03", e11, "3A090.a accelerator for a PRC-headquartered firm in Singapore", "734.9(h)", ["3E001"], [],
     "15 CFR 734.9(h)(1)(i)(B) (plant prong); constructed on E11")
# (i): supercomputer (E13's servers, made in a plant instead of from US technology directly).
e13 = load(SHARED / "us" / "E13.json")
pair("FP04", e13, "Malaysian servers for a Chinese supercomputer", "734.9(i)", ["4E001"], ["744.23"],
     "15 CFR 734.9(i)(1)(ii) (plant prong); constructed on E13")

# (e)(3) direct-product prong: 3D992/3E992 reach a footnote 5 commodity only through a plant; a 3B991
# tool that is a direct product of US 3E991 is reached, one of US 3E992 alone is not.
for suffix, tech, reached in (("a", "3E991", True), ("b", "3E992", False)):
    c = copy.deepcopy(s07)
    for it in c["transaction"]["items"]:
        it["production"] = {"us_technology": [tech], "us_software": [], "plant_us_origin": False}
    c["name"] = (f"FP05{suffix} Malaysian 3B991 tool to a footnote 5 entity, a direct product of US {tech}"
                 + ("" if reached else " (3E992 counts only through the plant prong)"))
    c["source"] = "15 CFR 734.9(e)(3)(i)(A) (3D991/3E991 for 3B991 and 3B992), (e)(3)(i)(B); constructed on S07"
    c["expect"] = {"jurisdictions": {"US": ({"outcome": "LICENSE_REQUIRED", "subject": True, "cites": ["734.9(e)(3)"]}
                                            if reached else {"outcome": "NOT_SUBJECT", "subject": False})}}
    write("FP05" + suffix, c)
