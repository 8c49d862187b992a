#!/usr/bin/env python3
"""Generates tests/cases/N*.json: 744.23 across its versions, each start date with the day before and
the day of effect. Facts are constructed on ../shared/regs/us-ear.md §4 (cited in each case).
Run from the repo root; the files are written, not edited by hand."""
import copy
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "cases"


def base(date, destination, eccn, purpose, facility=None):
    t = {
        "id": "N", "date": date, "activity": "export", "ship_from": "US", "destination": destination,
        "exporter": {"name": "Example Vacuum Inc.", "country": "US", "headquarters": "US"},
        "parties": [{"role": "end_user", "name": "Example Semiconductor Co., Ltd.", "country": destination,
                     "headquarters": destination}],
        "items": [{"id": "PART-1", "description": "US-made part", "kind": "commodity", "quantity": 10,
                   "unit_value": {"amount": 5000, "currency": "USD"}, "made_in": "US",
                   "classification": {"US": eccn},
                   "us_content": {"controlled_value": {"amount": 5000, "currency": "USD"}},
                   "production": {"us_technology": [], "us_software": [], "plant_us_origin": False}}],
        "licenses": [], "end_use": {"purpose": purpose},
        "knowledge": {"informed": [], "aware": [], "suspects": []}}
    if facility:
        t["end_use"]["facility"] = facility
    return t


def case(name, title, source, t, us):
    c = {"name": f"{name} {title}", "source": source, "context": {}, "transaction": t,
         "expect": {"jurisdictions": {"US": us}}}
    c["transaction"]["id"] = name
    (OUT / f"{name}.json").write_text(json.dumps(c, indent=1) + "\n")


NLR = {"outcome": "NO_LICENSE_REQUIRED"}


def lr(*cites, policy=None, not_cites=()):
    d = {"outcome": "LICENSE_REQUIRED", "cites": list(cites)}
    if policy:
        d["review_policy"] = policy
    if not_cites:
        d["not_cites"] = list(not_cites)
    return d


SME = ["sme_production"]
S_A4 = "15 CFR 744.23(a)(4) (88 FR 73424; 89 FR 96790); us-ear.md §4.1(B),(C); constructed"
S_A2V = "15 CFR 744.23(a)(2)(v) (87 FR 62186, in force 7 Oct 2022; Macau 88 FR 2821, 17 Jan 2023); us-ear.md §4.1(A); constructed"
S_A2IV = "15 CFR 744.23(a)(2)(iv) (87 FR 62186); (a)(2)(ii) from 17 Nov 2023; us-ear.md §4.1; constructed"

# (a)(4): EAR99 is not "specified on the CCL".
case("N01", "US EAR99 valve for a Chinese etch-tool maker, 2024-06-01: not a CCL item, (a)(4) does not reach it",
     S_A4, base("2024-06-01", "CN", "EAR99", SME), {"outcome": "NO_LICENSE_REQUIRED", "not_cites": ["744.23(a)(4)"]})
# (a)(2)(v) Oct 2022, then (a)(4) from 17 Nov 2023, then the Dec 2024 list.
case("N02", "US EAR99 valve for a Chinese SME maker on 2022-10-06, the day before 744.23(a)(2)(v)",
     S_A2V, base("2022-10-06", "CN", "EAR99", SME), NLR)
case("N03", "the same on 2022-10-07, the day (a)(2)(v) took effect", S_A2V,
     base("2022-10-07", "CN", "EAR99", SME), lr("744.23(a)(2)(v)", policy="PRESUMPTION_OF_DENIAL"))
case("N04", "US EAR99 valve for a Macau SME maker on 2023-01-16, the day before Macau joined", S_A2V,
     base("2023-01-16", "MO", "EAR99", SME), {"outcome": "NO_LICENSE_REQUIRED", "not_cites": ["744.23"]})
case("N05", "the same on 2023-01-17, Macau added", S_A2V,
     base("2023-01-17", "MO", "EAR99", SME), lr("744.23(a)(2)(v)", "88 FR 2821"))
case("N06", "US 3B991 part for a Chinese SME maker on 2023-11-16, the last day of (a)(2)(v)", S_A2V,
     base("2023-11-16", "CN", "3B991", SME), lr("744.23(a)(2)(v)", not_cites=["744.23(a)(4)"]))
case("N07", "the same on 2023-11-17: (a)(4), CCL items only", S_A4,
     base("2023-11-17", "CN", "3B991", SME), lr("744.23(a)(4) (88 FR 73424)", not_cites=["744.23(a)(2)(v)"]))
case("N08", "US 3B991 part for a Russian SME maker on 2024-12-01 (D:5, Nov 2023 list)", S_A4,
     base("2024-12-01", "RU", "3B991", SME), lr("744.23(a)(4) (88 FR 73424)", not_cites=["89 FR 96790"]))
case("N09", "the same on 2024-12-02 (Dec 2024 list adds 3B903, 3B993, 3B994)", S_A4,
     base("2024-12-02", "RU", "3B991", SME), lr("744.23(a)(4)(i) (89 FR 96790"))

# (a)(2)(iv) Oct 2022: Category 3 B-E item for a fab whose node is not known.
UNKNOWN_NODE = {"name": "Fab A", "country": "CN", "headquarters": "CN", "ic": "logic"}
PROD = ["production"]
case("N10", "US 3B991 tool for a Chinese logic fab of unknown node on 2022-10-06, the day before (a)(2)(iv)", S_A2IV,
     base("2022-10-06", "CN", "3B991", PROD, UNKNOWN_NODE), NLR)
case("N11", "the same on 2022-10-07", S_A2IV, base("2022-10-07", "CN", "3B991", PROD, UNKNOWN_NODE),
     lr("744.23(a)(2)(iv)", policy="PRESUMPTION_OF_DENIAL"))
case("N12", "the same for a US-headquartered fab in China on 2022-10-07: case by case (multinational)", S_A2IV,
     base("2022-10-07", "CN", "3B991", PROD, dict(UNKNOWN_NODE, headquarters="US")),
     lr("744.23(a)(2)(iv)", policy="CASE_BY_CASE"))
mo = dict(UNKNOWN_NODE, country="MO", headquarters="MO")
case("N13", "US 3B991 tool for a Macau fab of unknown node on 2023-01-16", S_A2IV,
     base("2023-01-16", "MO", "3B991", PROD, mo), NLR)
case("N14", "the same on 2023-01-17 (Macau added)", S_A2IV, base("2023-01-17", "MO", "3B991", PROD, mo),
     lr("744.23(a)(2)(iv)", "88 FR 2821"))
case("N15", "US 3B991 tool for a Chinese logic fab of unknown node on 2023-11-16 (Oct 2022 text)", S_A2IV,
     base("2023-11-16", "CN", "3B991", PROD, UNKNOWN_NODE), lr("744.23(a)(2)(iv)", not_cites=["744.23(a)(2)(ii)"]))
case("N16", "the same on 2023-11-17 ((a)(2)(ii) of the Nov 2023 text)", S_A2IV,
     base("2023-11-17", "CN", "3B991", PROD, UNKNOWN_NODE), lr("744.23(a)(2)(ii)", not_cites=["744.23(a)(2)(iv)"]))
case("N17", "US EAR99 part for a Chinese logic fab of unknown node on 2022-10-07: not Category 3, so (a)(2)(iv) does not "
     "reach it, and (a)(2)(iii) (any item, advanced fab) is undetermined: unknown is not no",
     S_A2IV, base("2022-10-07", "CN", "EAR99", PROD, UNKNOWN_NODE),
     {"outcome": "UNDETERMINED", "cites": ["744.23(a)(2)(iii)"], "not_cites": ["744.23(a)(2)(iv)"]})

# (a)(5) of the Nov 2023 text (and the BIS FAQ of 28 Oct 2022): back-end assembly, test and packaging that
# do not change the technology level are not "production" for (a)(2).
ADV = {"name": "Example 7 nm FinFET building", "country": "CN", "headquarters": "CN", "ic": "logic", "node_nm": 7,
       "non_planar": True}
case("N18", "US EAR99 part for packaging at an advanced-node PRC building on 2024-06-01: back end, not production",
     "15 CFR 744.23(a)(5) (88 FR 73424); us-ear.md §4.1(B), §4.2; constructed",
     base("2024-06-01", "CN", "EAR99", ["packaging"], ADV), {"outcome": "NO_LICENSE_REQUIRED", "not_cites": ["744.23"]})
case("N19", "the same part for wafer production there on 2024-06-01", "15 CFR 744.23(a)(2)(i); constructed",
     base("2024-06-01", "CN", "EAR99", PROD, ADV), lr("744.23(a)(2)(i)", policy="PRESUMPTION_OF_DENIAL"))

# (a)(2)(ii) in its Dec 2024 version, and (a)(2)(iv): items for a footnote 5 entity leave 744.23 to the entry.
S_A2II = "15 CFR 744.23(a)(2)(ii), (a)(2)(iv) (89 FR 96790); us-ear.md §4.1(C); constructed"
case("N20", "US 3B991 tool for a Chinese logic fab of unknown node on 2024-12-01 (Nov 2023 text)", S_A2II,
     base("2024-12-01", "CN", "3B991", PROD, UNKNOWN_NODE), lr("744.23(a)(2)(ii)", not_cites=["89 FR 96790"]))
case("N21", "the same on 2024-12-02 (Dec 2024 text)", S_A2II,
     base("2024-12-02", "CN", "3B991", PROD, UNKNOWN_NODE), lr("744.23(a)(2)(ii), (a)(2)(iv) (89 FR 96790)"))
fn5 = base("2025-01-10", "CN", "3B991", PROD, dict(UNKNOWN_NODE, name="Zhangjiang Laboratory pilot line"))
fn5["parties"][0]["name"] = "Zhangjiang Laboratory"
case("N22", "the same tool for a footnote 5 entity's line of unknown node on 2025-01-10: the entry governs, not (a)(2)(ii)",
     S_A2II, fn5, lr("744.11", not_cites=["744.23"]))
