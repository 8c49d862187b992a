#!/usr/bin/env python3
"""Generates tests/cases/EL*.json: the bundled Entity List reference data (refdata/us/list_entries.json,
built by tools/build_entity_list.py from the CSL of 2026-07-31) on each side of an entry's date of
addition or footnote. No case context: the entries come from the bundled file alone.
Run from the repo root; the files are written, not edited by hand."""
import copy
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "cases"
R13 = json.loads((OUT / "R13.json").read_text())
S07 = json.loads((OUT / "S07.json").read_text())


def with_party(base, name, date, production):
    t = copy.deepcopy(base["transaction"])
    t["date"] = date
    t["parties"][0]["name"] = name
    t["parties"][0].pop("aliases", None)
    for it in t["items"]:
        it["production"] = production
    return t


def case(name, title, source, t, us):
    t["id"] = name
    c = {"name": f"{name} {title}", "source": source, "context": {}, "transaction": t,
         "expect": {"jurisdictions": {"US": us}}}
    (OUT / f"{name}.json").write_text(json.dumps(c, indent=1, ensure_ascii=False) + "\n")


NOT = {"outcome": "NOT_SUBJECT", "subject": False}
PLANT = {"us_technology": [], "us_software": [], "plant_us_origin": True, "plant": {"us_technology": ["3E001"], "us_software": []}}
EDA = {"us_technology": [], "us_software": ["3D991"], "plant_us_origin": False}

# Footnote 4, added 17 Oct 2023 (88 FR 71991).
MT = "Moore Thread Intelligent Technology (Beijing) Co., Ltd."
S4 = "Entity List entry (CSL 2026-07-31, 88 FR 71992), footnote 4, effective 17 Oct 2023; 15 CFR 734.9(e)(2)"
case("EL01", f"28 nm chip from a plant built with US tools, to {MT} on 2023-10-16, the day before its listing", S4,
     with_party(R13, MT, "2023-10-16", PLANT), NOT)
case("EL02", f"the same on 2023-10-17", S4, with_party(R13, MT, "2023-10-17", PLANT),
     {"outcome": "LICENSE_REQUIRED", "subject": True, "cites": ["734.9(e)(2)", "744.11"],
      "review_policy": "PRESUMPTION_OF_DENIAL"})
# Footnote 5, added 2 Dec 2024 (89 FR 96837).
ZL = "Zhangjiang Laboratory"
S5 = "Entity List entry (CSL 2026-07-31, 89 FR 96837), footnote 5, effective 2 Dec 2024; 15 CFR 734.9(e)(3), 744.11(a)(2)(v)"
case("EL03", f"Malaysian 3B991 tool from a plant built with US tools, to {ZL} on 2024-12-01", S5,
     with_party(S07, ZL, "2024-12-01", PLANT), NOT)
case("EL04", "the same on 2024-12-02", S5, with_party(S07, ZL, "2024-12-02", PLANT),
     {"outcome": "LICENSE_REQUIRED", "subject": True, "cites": ["734.9(e)(3)", "744.11(a)(2)(v)"]})
# Footnote 5 given on 2 Dec 2024 to an entry listed in Dec 2020 (SMIC).
SM = "Semiconductor Manufacturing South China Corporation"
S5b = "Entity List entry (CSL 2026-07-31, 85 FR 83420; 89 FR 96837): listed 18 Dec 2020, footnote 5 from 2 Dec 2024"
case("EL05", f"Malaysian 3B991 tool from a plant built with US tools, to {SM} on 2024-12-01: listed, but no footnote 5 yet",
     S5b, with_party(S07, SM, "2024-12-01", PLANT), NOT)
case("EL06", "the same on 2024-12-02", S5b, with_party(S07, SM, "2024-12-02", PLANT),
     {"outcome": "LICENSE_REQUIRED", "subject": True, "cites": ["734.9(e)(3)", "744.11(a)(2)(v)"]})
# Footnote 1, added 17 Aug 2020 (85 FR 51603) with the footnote from its addition.
HC = "Huawei Cloud Singapore"
S1 = "Entity List entry (CSL 2026-07-31, 85 FR 51603), footnote 1, effective 17 Aug 2020; 15 CFR 736.2(b)(3)(vi) (now 734.9(e)(1))"
case("EL07", f"28 nm chip designed with US EDA software, to {HC} on 2020-08-16", S1, with_party(R13, HC, "2020-08-16", EDA), NOT)
case("EL08", "the same on 2020-08-17", S1, with_party(R13, HC, "2020-08-17", EDA),
     {"outcome": "LICENSE_REQUIRED", "subject": True, "cites": ["736.2(b)(3)(vi)", "744.11"]})

# 744.11(a)(2)(i): footnote 1 FDP items capable of supporting telecom below 5G are reviewed case by case.
S1b = "15 CFR 744.11(a)(2)(i); Huawei entries (presumption of denial); us-ear.md §3.1, §3.2; constructed on R13"
for name, gen, policy, title in (("EL09", 4, "CASE_BY_CASE", "an LTE (4G) modem chip: case by case"),
                                 ("EL10", 5, "PRESUMPTION_OF_DENIAL", "a 5G modem chip: presumption of denial")):
    t = with_party(R13, HC, "2024-05-01", EDA)
    t["items"][0]["specs"] = {"cellular_generation": gen}
    case(name, f"foreign-made footnote 1 FDP item to {HC} on 2024-05-01, {title}", S1b, t,
         {"outcome": "LICENSE_REQUIRED", "cites": ["734.9(e)(1)", "744.11"], "review_policy": policy})
t = with_party(R13, HC, "2024-05-01", EDA)
t["items"][0].update({"made_in": "US", "specs": {"cellular_generation": 4},
                      "us_content": {"controlled_value": {"amount": 3, "currency": "USD"}}})
t["ship_from"] = "US"
case("EL11", f"a US-made LTE modem chip to {HC} on 2024-05-01: not an FDP item, so the entry's presumption of denial",
     S1b, t, {"outcome": "LICENSE_REQUIRED", "cites": ["744.11"], "review_policy": "PRESUMPTION_OF_DENIAL"})
