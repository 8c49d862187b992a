#!/usr/bin/env python3
"""Generates tests/cases/EU*.json: the EU dual-use regulation across the recast (428/2009 until
8 Sep 2021, 2021/821 from 9 Sep 2021) and the UK's exit from the customs territory (1 Jan 2021), on
the facts of shared case W15 (German 3B001.a reactor to a Chinese fab).
Run from the repo root; the files are written, not edited by hand."""
import copy
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "cases"
W15 = json.loads((ROOT.parent / "shared" / "cases" / "allied" / "W15.json").read_text())


def tx(name, date, ship_from="DE", dest="CN"):
    t = copy.deepcopy(W15["transaction"])
    t["id"], t["date"], t["ship_from"], t["destination"] = name, date, ship_from, dest
    t["exporter"]["country"] = ship_from
    return t


def case(name, title, source, t, eu):
    c = {"name": f"{name} {title}", "source": source, "context": W15.get("context", {}), "transaction": t,
         "expect": {"jurisdictions": {"EU": eu}}}
    (OUT / f"{name}.json").write_text(json.dumps(c, indent=1) + "\n")


S = "Regulation (EC) 428/2009 (until 8 Sep 2021) and Regulation (EU) 2021/821 (from 9 Sep 2021), allied-regimes.md §2.1; constructed on W15"
case("EU01", "German 3B001.a reactor to a Chinese fab on 2020-06-01: Regulation 428/2009 Art. 3", S,
     tx("EU01", "2020-06-01"), {"outcome": "LICENSE_REQUIRED", "cites": ["428/2009 Art. 3"]})
case("EU02", "the same on 2021-09-08, the last day of 428/2009", S,
     tx("EU02", "2021-09-08"), {"outcome": "LICENSE_REQUIRED", "cites": ["428/2009 Art. 3"], "not_cites": ["2021/821"]})
case("EU03", "the same on 2021-09-09, the recast applies", S,
     tx("EU03", "2021-09-09"), {"outcome": "LICENSE_REQUIRED", "cites": ["2021/821 Art. 3"], "not_cites": ["428/2009"]})
S2 = ("Regulation (EC) 428/2009; the UK in the EU customs territory until 31 Dec 2020 and an EU001 destination from "
      "1 Jan 2021 (Reg. (EU) 2020/2171, allied-regimes.md §2.7); constructed on W15")
case("EU04", "German 3B001.a reactor to the United Kingdom on 2020-12-31: still inside the customs territory", S2,
     tx("EU04", "2020-12-31", dest="GB"), {"outcome": "NOT_SUBJECT"})
case("EU05", "the same on 2021-01-01: an export, covered by EU001", S2,
     tx("EU05", "2021-01-01", dest="GB"), {"outcome": "GENERAL_AUTHORIZATION", "cites": ["428/2009 Art. 3"]})

# The catch-all of 428/2009 Art. 4 on the facts of R01 (authority informed of a nuclear end use).
R01 = json.loads((OUT / "R01.json").read_text())
c = copy.deepcopy(R01)
c["transaction"]["id"], c["transaction"]["date"] = "EU06", "2021-03-01"
c["name"] = "EU06 the R01 facts on 2021-03-01: the catch-all of Regulation 428/2009 Art. 4"
c["source"] = "Regulation (EC) 428/2009 Art. 4(1) (until 8 Sep 2021); constructed on R01"
c["expect"] = {"jurisdictions": {"EU": {"outcome": "LICENSE_REQUIRED", "cites": ["428/2009 Art. 4"]}}}
(OUT / "EU06.json").write_text(json.dumps(c, indent=1) + "\n")
