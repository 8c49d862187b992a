#!/usr/bin/env python3
"""Generates tests/cases/U*.json: 744.6(c)(2) US-person rules across versions, with the day before and
the day of each start date, built on the facts of shared case E33 (../shared/regs/us-ear.md §5).
Run from the repo root; the files are written, not edited by hand."""
import copy
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "cases"
E33 = json.loads((ROOT.parent / "shared" / "cases" / "us" / "E33.json").read_text())

ADV = {"name": "SMIC 7 nm FinFET building", "country": "CN", "headquarters": "CN", "ic": "logic",
       "node_nm": 7, "non_planar": True}
UNKNOWN = {"name": "Fab B", "country": "CN", "headquarters": "CN", "ic": "logic"}
MATURE = {"name": "Fab C (28 nm planar)", "country": "CN", "headquarters": "CN", "ic": "logic", "node_nm": 28,
          "non_planar": False}


def make(date, facility, eccn="3B001.c", task="maintain", employer_hq="CN", destination=None):
    t = copy.deepcopy(E33["transaction"])
    t["date"] = date
    country = facility["country"]
    t["destination"] = destination or country
    t["ship_from"] = country if task not in ("ship", "transmit") else "JP"
    t["end_use"]["facility"] = dict(facility)
    t["service"]["facility"] = dict(facility)
    t["service"]["task"] = task
    t["service"]["equipment"]["classification"] = {"US": eccn}
    emp = t["service"]["performer"]["employer"]
    if employer_hq != "CN":
        emp.update({"name": "Example Tool Service LLC", "country": employer_hq, "headquarters": employer_hq})
    t["parties"][0]["country"] = country
    t["parties"][0]["headquarters"] = facility["headquarters"]
    return t


def case(name, title, source, t, us):
    t["id"] = name
    c = {"name": f"{name} {title}", "source": source, "context": {}, "transaction": t,
         "expect": {"jurisdictions": {"US": us}}}
    (OUT / f"{name}.json").write_text(json.dumps(c, indent=1) + "\n")


def lr(*cites, not_cites=()):
    d = {"outcome": "LICENSE_REQUIRED", "review_policy": "PRESUMPTION_OF_DENIAL", "cites": list(cites)}
    if not_cites:
        d["not_cites"] = list(not_cites)
    return d


def no(*not_cites):
    return {"outcome": "NO_LICENSE_REQUIRED", "not_cites": list(not_cites) or ["744.6(c)"]}


S_MO = "15 CFR 744.6(c)(2)(i) (87 FR 62186; Macau 88 FR 2821, 17 Jan 2023, secondary); constructed on E33"
S_II = "15 CFR 744.6(c)(2)(ii) (Oct 2022 from 12 Oct 2022, secondary; Nov 2023 text with (d)(4)); constructed on E33"
S_III = "15 CFR 744.6(c)(2)(iii), (d)(5) (89 FR 96790, Dec 2024 text); constructed on E33"

MO_ADV = dict(ADV, name="Example 14 nm FinFET building, Macau", country="MO", headquarters="MO")
case("U01", "US citizen servicing a Japanese tool at an advanced Macau fab on 2023-01-16, before Macau joined", S_MO,
     make("2023-01-16", MO_ADV), no())
case("U02", "the same on 2023-01-17", S_MO, make("2023-01-17", MO_ADV), lr("744.6(c)(2)(i)", "88 FR 2821"))
case("U03", "US citizen servicing 3B991-level equipment at a PRC fab of unknown node on 2022-10-11", S_II,
     make("2022-10-11", UNKNOWN, eccn="3B991"), no())
case("U04", "the same on 2022-10-12 (Oct 2022 (c)(2)(ii))", S_II, make("2022-10-12", UNKNOWN, eccn="3B991"),
     lr("744.6(c)(2)(ii)"))
case("U05", "US citizen employed by a US-headquartered service firm, 3B991-level equipment at a PRC fab of unknown "
     "node on 2023-11-16: the Oct 2022 text has no employer exclusion", S_II,
     make("2023-11-16", UNKNOWN, eccn="3B991", employer_hq="US"), lr("744.6(c)(2)(ii)"))
case("U06", "the same on 2023-11-17: the (d)(4) employer exclusion takes it out", S_II,
     make("2023-11-17", UNKNOWN, eccn="3B991", employer_hq="US"), no())
case("U07", "the U05 facts with a PRC-headquartered employer on 2024-12-02 (Dec 2024 (c)(2)(ii))", S_II,
     make("2024-12-02", UNKNOWN, eccn="3B991"), lr("744.6(c)(2)(ii), (d)(4), (e)(3) (89 FR 96790)"))
case("U08", "US citizen for a PRC firm ships a Japanese 3B001.c etcher (not subject) to a 28 nm PRC fab on 2024-12-01",
     S_III, make("2024-12-01", MATURE, task="ship"), no())
case("U09", "the same on 2024-12-02: (c)(2)(iii), whatever the end use", S_III,
     make("2024-12-02", MATURE, task="ship"), lr("744.6(c)(2)(iii)"))
case("U10", "US citizen for a PRC firm maintains the same etcher at the 28 nm fab on 2024-12-02: servicing is outside "
     "(c)(2)(iii) by (d)(5), and the fab is not advanced-node", S_III, make("2024-12-02", MATURE), no())
case("U11", "US citizen employed by SMIC servicing a Japanese tool at the 7 nm PRC fab on 2022-10-11", S_MO,
     make("2022-10-11", ADV), no())
case("U12", "the same on 2022-10-12 (Oct 2022 (c)(2), PRC only)", S_MO, make("2022-10-12", ADV),
     lr("744.6(c)(2) (87 FR 62186)"))
case("U13", "US citizen for a PRC firm servicing 3B991-level equipment at a PRC fab of unknown node on 2024-06-01 "
     "(Nov 2023 (c)(2)(ii))", S_II, make("2024-06-01", UNKNOWN, eccn="3B991"), lr("744.6(c)(2)(ii), (d)(4), (e)(3)"))
