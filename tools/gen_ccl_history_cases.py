#!/usr/bin/env python3
"""Generates tests/cases/H*.json: list-based answers that change with the CCL's history (3A090 and 4A090
from 21 Oct 2022, Macau from 17 Jan 2023, D:1/D:4/D:5 from 17 Nov 2023; 3B993 from 2 Dec 2024), after
us-ear.md §11 E32. Run from the repo root; the files are written, not edited by hand."""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "cases"


def tx(name, date, dest, eccn):
    return {"id": name, "date": date, "activity": "export", "ship_from": "US", "destination": dest,
            "exporter": {"name": "Example Accelerators Inc.", "country": "US", "headquarters": "US"},
            "parties": [{"role": "end_user", "name": "Example Data Centre Ltd.", "country": dest, "headquarters": dest}],
            "items": [{"id": "CARD-1", "description": "accelerator card", "kind": "commodity", "quantity": 8,
                       "unit_value": {"amount": 15000, "currency": "USD"}, "made_in": "US",
                       "classification": {"US": eccn},
                       "us_content": {"controlled_value": {"amount": 15000, "currency": "USD"}},
                       "production": {"us_technology": [], "us_software": [], "plant_us_origin": False}}],
            "licenses": [], "end_use": {"purpose": "data_center"},
            "knowledge": {"informed": [], "aware": [], "suspects": []}}


def case(name, title, source, t, us):
    c = {"name": f"{name} {title}", "source": source, "context": {}, "transaction": t,
         "expect": {"jurisdictions": {"US": us}}}
    (OUT / f"{name}.json").write_text(json.dumps(c, indent=1) + "\n")


LR = {"outcome": "LICENSE_REQUIRED", "cites": ["742.6(a)(6)"]}
NLR = {"outcome": "NO_LICENSE_REQUIRED"}
S = "3A090 RS: 87 FR 62186 (21 Oct 2022), 88 FR 2821 (Macau, 17 Jan 2023), 88 FR 73458 (17 Nov 2023); us-ear.md §6.2, §7, §11 E32"
case("H01", "US 3A090 cards to a Chinese data centre on 2022-10-20, the day before 3A090 existed: no such ECCN yet",
     S, tx("H01", "2022-10-20", "CN", "3A090"), {"outcome": "UNDETERMINED"})
case("H02", "the same on 2022-10-21", S, tx("H02", "2022-10-21", "CN", "3A090"), LR)
case("H03", "US 3A090 cards to a Hong Kong distributor on 2022-11-01 (E32a: HK is China)", S,
     tx("H03", "2022-11-01", "HK", "3A090"), LR)
case("H04", "US 3A090 cards to a Macau data centre on 2022-12-01 (E32b: Macau distinct)", S,
     tx("H04", "2022-12-01", "MO", "3A090"), NLR)
case("H05", "the same on 2023-01-16, the day before Macau joined", S, tx("H05", "2023-01-16", "MO", "3A090"), NLR)
case("H06", "the same on 2023-01-17", S, tx("H06", "2023-01-17", "MO", "3A090"), LR)
case("H07", "US 3A090.a cards to a Saudi data centre on 2023-11-16 (not yet D:4 reach)", S,
     tx("H07", "2023-11-16", "SA", "3A090.a"), NLR)
case("H08", "the same on 2023-11-17 (D:1/D:4/D:5 excluding A:5/A:6)", S, tx("H08", "2023-11-17", "SA", "3A090.a"), LR)
case("H09", "US 3A090.a cards to a Japanese data centre on 2024-06-01: Japan is A:5, no RS licence", S,
     tx("H09", "2024-06-01", "JP", "3A090.a"), NLR)
S2 = "89 FR 96790: 3B993 created 2 Dec 2024 (us-ear.md §7); its RS row (742.6(a)(11)) not read, so UNDETERMINED after"
case("H10", "US 3B993 tool to Japan on 2024-12-01: no such ECCN yet", S2, tx("H10", "2024-12-01", "JP", "3B993"),
     {"outcome": "UNDETERMINED"})

# us-ear.md §11 E30: a deposition tool across the 3B090 lifecycle, for a non-listed mature-node PRC fab.
MATURE = {"name": "Example 28 nm fab", "country": "CN", "headquarters": "CN", "ic": "logic", "node_nm": 28,
          "non_planar": False}


def tool(name, date, eccn):
    t = tx(name, date, "CN", eccn)
    t["items"][0].update({"id": "DEP-1", "description": "deposition tool", "quantity": 1})
    t["end_use"] = {"facility": MATURE, "purpose": "production"}
    t["parties"][0]["name"] = "Example Mature Foundry Co., Ltd."
    return t


S3 = "3B090: 87 FR 62186 (7 Oct 2022), moved into 3B001/3B002 by 88 FR 73424 (17 Nov 2023); us-ear.md §7, §11 E30"
case("H11", "US deposition tool (3B090) to a 28 nm PRC fab on 2022-10-06: 3B090 does not exist yet", S3,
     tool("H11", "2022-10-06", "3B090"), {"outcome": "UNDETERMINED"})
case("H12", "the same on 2022-10-07 (E30b)", S3, tool("H12", "2022-10-07", "3B090"), LR)
case("H13", "the same tool as 3B001.d on 2023-11-16: NS Column 2 (before the restructure, UNVERIFIED), not yet the "
     "advanced set's Macau/D:5 rows", S3,
     tool("H13", "2023-11-16", "3B001.d"), {"outcome": "LICENSE_REQUIRED", "cites": ["NS Column 2"],
                                            "not_cites": ["742.4(a)(4)", "742.6(a)(6)"]})
case("H14", "the same on 2023-11-17 (E30c: 3B001.d, licence to Macau and D:5)", S3,
     tool("H14", "2023-11-17", "3B001.d"), {"outcome": "LICENSE_REQUIRED", "cites": ["742.4(a)(4)"]})
case("H15", "a US 3B090 tool on 2023-11-17: the ECCN no longer exists", S3,
     tool("H15", "2023-11-17", "3B090"), {"outcome": "UNDETERMINED"})
