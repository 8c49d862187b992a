#!/usr/bin/env python3
"""Generates tests/cases/RFF*.json: License Exception RFF (15 CFR 740.26) for the listed fab whose
bundled Entity List entry references 740.26 (Wuhan Xinxin, CSL 2026-07-31), after us-ear.md §11 E24.
Run from the repo root; the files are written, not edited by hand."""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "cases"
FAB = "Wuhan Xinxin Semiconductor Manufacturing Company Limited"
SRC = "15 CFR 740.26 (89 FR 96790); us-ear.md §8 and §11 E24; Entity List entry of the CSL 2026-07-31 (89 FR 96837)"


def tx(name, date, eccn, facility):
    return {"id": name, "date": date, "activity": "export", "ship_from": "US", "destination": "CN",
            "exporter": {"name": "Example Building Controls Inc.", "country": "US", "headquarters": "US"},
            "parties": [{"role": "end_user", "name": FAB, "country": "CN", "headquarters": "CN"}],
            "items": [{"id": "HVAC-1", "description": "HVAC controller", "kind": "commodity", "quantity": 4,
                       "unit_value": {"amount": 8000, "currency": "USD"}, "made_in": "US",
                       "classification": {"US": eccn},
                       "us_content": {"controlled_value": {"amount": 8000, "currency": "USD"}},
                       "production": {"us_technology": [], "us_software": [], "plant_us_origin": False}}],
            "licenses": [], "end_use": {"facility": facility, "purpose": "production"},
            "knowledge": {"informed": [], "aware": [], "suspects": []}}


MATURE = {"name": "Wuhan Xinxin fab", "country": "CN", "headquarters": "CN", "ic": "logic", "node_nm": 55,
          "non_planar": False}
ADVANCED = dict(MATURE, node_nm=14, non_planar=True)


def case(name, title, t, us):
    c = {"name": f"{name} {title}", "source": SRC, "context": {}, "transaction": t,
         "expect": {"jurisdictions": {"US": us}}}
    (OUT / f"{name}.json").write_text(json.dumps(c, indent=1) + "\n")


case("RFF01", "US EAR99 HVAC controller for Wuhan Xinxin's 55 nm fab on 2025-03-01: RFF overcomes the Entity List",
     tx("RFF01", "2025-03-01", "EAR99", MATURE), {"outcome": "GENERAL_AUTHORIZATION", "cites": ["744.11"]})
case("RFF02", "the same on 2024-12-01, before the fab was listed and before RFF existed",
     tx("RFF02", "2024-12-01", "EAR99", MATURE), {"outcome": "NO_LICENSE_REQUIRED", "not_cites": ["740.26", "744.11"]})
case("RFF03", "the same on 2024-12-02, the day both took effect",
     tx("RFF03", "2024-12-02", "EAR99", MATURE), {"outcome": "GENERAL_AUTHORIZATION", "cites": ["744.11"]})
case("RFF04", "a US 3B001 part for the same fab on 2025-03-01: 3B001 is not eligible for RFF",
     tx("RFF04", "2025-03-01", "3B001.c", MATURE), {"outcome": "LICENSE_REQUIRED", "cites": ["744.11"], "not_cites": ["740.26"]})
case("RFF05", "the EAR99 controller on 2025-03-01 for a building where advanced-node ICs are made: no RFF",
     tx("RFF05", "2025-03-01", "EAR99", ADVANCED), {"outcome": "LICENSE_REQUIRED", "cites": ["744.11"], "not_cites": ["740.26"]})
