#!/usr/bin/env python3
"""Writes the boundary cases of the provisions added in the `rules` branch (issue 3):
tests/cases/EUA*.json (Annex I replaced by Delegated Regulation (EU) 2025/2003, 15 Nov 2025),
NLA*.json (Dutch annex of 1 Apr 2025; emerging-technology list and NL900 of 1 Dec 2024),
JPC*.json (Japan's 2025 Group A catch-all on METI's notice) and KRN*.json (Korea's national
designations from 21 Aug 2024). Each provision gets a case on the day before its start and on its
start day, so that `cordon rules --coverage` and the cases fail if a date or condition is wrong.
Run from the repository root: python3 tools/gen_rules_cases.py"""
import copy
import json
import os

OUT = "tests/cases"
NO_KNOWLEDGE = {"informed": [], "aware": [], "suspects": []}


def tx(tid, date, ship_from, destination, exporter, item, end_user, knowledge=None):
    return {
        "id": tid, "date": date, "activity": "export", "ship_from": ship_from, "destination": destination,
        "exporter": exporter,
        "parties": [dict(role="end_user", **end_user)],
        "items": [item], "end_use": None, "service": None, "licenses": [],
        "knowledge": knowledge or copy.deepcopy(NO_KNOWLEDGE),
    }


def write(cid, name, source, transaction, expect, context=None):
    case = {"name": f"{cid} {name}", "source": source, "context": context or {}, "transaction": transaction,
            "expect": expect}
    transaction["id"] = cid
    with open(os.path.join(OUT, cid + ".json"), "w") as f:
        json.dump(case, f, indent=1, ensure_ascii=False)
        f.write("\n")


def from_case(base, source, rows, edit=None):
    """Cases derived from tests/cases/<base>.json: rows of (id, date, name, expected jurisdictions);
    `edit` changes the copied transaction."""
    with open(os.path.join(OUT, base + ".json")) as f:
        b = json.load(f)
    for cid, date, name, expect in rows:
        t = copy.deepcopy(b["transaction"])
        t["date"] = date
        if edit:
            edit(t)
        write(cid, name, source, t, {"jurisdictions": expect}, copy.deepcopy(b["context"]))


ASML = {"name": "ASML Netherlands B.V.", "country": "NL", "headquarters": "NL"}
CN_FAB = {"name": "Example Jiangbei Logic Foundry Co., Ltd.", "country": "CN", "headquarters": "CN"}


def scanner(model, wavelength, na):
    return {"id": "SCANNER", "description": f"ASML {model} step-and-scan lithography system", "quantity": 1,
            "made_in": "NL", "classification": {},
            "specs": {"model": model, "wavelength_nm": wavelength, "numerical_aperture": na,
                      "immersion": wavelength == 193}}


# --- EU: Annex I replaced by Delegated Regulation (EU) 2025/2003, in force 15 Nov 2025 [S7][S8].
SRC_EU = ("Commission Delegated Regulation (EU) 2025/2003 replacing Annex I to Reg. (EU) 2021/821, OJ 14 Nov 2025, "
          "in force 15 Nov 2025 [S7]; additions incl. lithography equipment [S8], entries UNVERIFIED "
          "(allied-regimes.md §1 item 9); constructed")
write("EUA01", "NXT:2000i NL to a Chinese fab on 2025-11-14, the last day of the 2021 Annex I: outside 3B001.f.1 (MRF 50 nm)",
      SRC_EU, tx("", "2025-11-14", "NL", "CN", ASML, scanner("TWINSCAN NXT:2000i", 193, 1.35), CN_FAB),
      {"jurisdictions": {"EU": {"outcome": "NO_LICENSE_REQUIRED"}}})
write("EUA02", "the same NXT:2000i on 2025-11-15: the replaced Annex I adds lithography entries cordon does not hold",
      SRC_EU, tx("", "2025-11-15", "NL", "CN", ASML, scanner("TWINSCAN NXT:2000i", 193, 1.35), CN_FAB),
      {"jurisdictions": {"EU": {"outcome": "UNDETERMINED", "cites": ["2025/2003"], "verified": False,
                                "reasons": [{"rule": "eu.annex_i_2025.lithography_open"}]}}})
write("EUA03", "the same NXT:2000i on 2025-11-15 with its EU classification stated NOT_LISTED: no authorisation",
      SRC_EU + "; the stated classification settles what cordon cannot derive",
      tx("", "2025-11-15", "NL", "CN", ASML,
         dict(scanner("TWINSCAN NXT:2000i", 193, 1.35), classification={"EU": "NOT_LISTED"}), CN_FAB),
      {"jurisdictions": {"EU": {"outcome": "NO_LICENSE_REQUIRED",
                                "not_cites": ["2025/2003"]}}})
write("EUA04", "EUV scanner NL to a Chinese fab on 2025-11-15: 3B001.f.1 of the replaced Annex I, computed (13.5 nm)",
      SRC_EU + "; 3B001.f.1 assumed to survive the replacement (UNVERIFIED)",
      tx("", "2025-11-15", "NL", "CN", ASML, scanner("TWINSCAN NXE:3400C", 13.5, 0.33), CN_FAB),
      {"jurisdictions": {"EU": {"outcome": "LICENSE_REQUIRED", "cites": ["Art. 3(1)"], "verified": False}}})
write("EUA05", "EUV scanner NL to Japan on 2025-11-15: 3B001.f.1 of the replaced Annex I, EU001 covers it",
      SRC_EU + "; EU001 [S17a]",
      tx("", "2025-11-15", "NL", "JP", ASML, scanner("TWINSCAN NXE:3400C", 13.5, 0.33),
         {"name": "Example Kumamoto Foundry K.K.", "country": "JP", "headquarters": "JP"}),
      {"jurisdictions": {"EU": {"outcome": "GENERAL_AUTHORIZATION"}}})

# --- NL: the amendment in force 1 Apr 2025 (measuring and inspection equipment) [S31].
SRC_NL25 = ("Regeling geavanceerde productieapparatuur voor halfgeleiders, amendment announced in the Staatscourant "
            "15 Jan 2025, in force 1 Apr 2025 (measuring and inspection equipment; item content UNVERIFIED) [S31]; "
            "allied-regimes.md §3.5 and example W11")


def metrology(cls):
    return {"id": "METRO-1", "description": "Dutch-made wafer measuring and inspection tool of the type added on 1 Apr 2025",
            "quantity": 1, "made_in": "NL", "classification": {"NL": cls, "EU": "NOT_LISTED"}, "specs": {}}


NL_MAKER = {"name": "Example Veldhoven Metrology B.V.", "country": "NL", "headquarters": "NL"}
write("NLA01", "a Dutch measuring/inspection tool of the 2025 additions NL to China on 2025-03-31: not yet listed",
      SRC_NL25, tx("", "2025-03-31", "NL", "CN", NL_MAKER, metrology("NL annex 2025 (measuring and inspection)"), CN_FAB),
      {"jurisdictions": {"NL": {"outcome": "NO_LICENSE_REQUIRED"}}})
write("NLA02", "the same tool on 2025-04-01: licence required (W11)",
      SRC_NL25, tx("", "2025-04-01", "NL", "CN", NL_MAKER, metrology("NL annex 2025 (measuring and inspection)"), CN_FAB),
      {"jurisdictions": {"NL": {"outcome": "LICENSE_REQUIRED", "review_policy": "CASE_BY_CASE",
                                "cites": ["1 Apr 2025"], "verified": False}}})
write("NLA03", "W11: the same tool to China on 2025-05-15",
      SRC_NL25 + "; G (item scope UNVERIFIED)",
      tx("", "2025-05-15", "NL", "CN", NL_MAKER, metrology("NL annex 2025 (measuring and inspection)"), CN_FAB),
      {"jurisdictions": {"NL": {"outcome": "LICENSE_REQUIRED", "cites": ["1 Apr 2025"]}}})
write("NLA04", "NXT:2000i NL to China on 2025-04-01: still in the Dutch annex after the April 2025 amendment",
      SRC_NL25 + "; the 2023 annex models [S23][S24]",
      tx("", "2025-04-01", "NL", "CN", ASML, scanner("TWINSCAN NXT:2000i", 193, 1.35), CN_FAB),
      {"jurisdictions": {"NL": {"outcome": "LICENSE_REQUIRED", "cites": ["1 Apr 2025"],
                                "reasons": [{"rule": "nl.regeling_2025.art2"}]}}})

# --- NL: the emerging-technology list in force 1 Dec 2024 and NL900 [S32a][S32b].
SRC_NLE = ("Regeling aanvullende controlemaatregelen op de Verordening producten voor tweeërlei gebruik (decree of "
           "11 Oct 2024, published 18 Oct 2024, in force 1 Dec 2024); NL900 (Australia, Canada, Iceland named; rest "
           "UNVERIFIED) [S32a][S32b]; allied-regimes.md §3.6; constructed")


def emerging():
    return {"id": "CRYO-1", "description": "cryogenic wafer prober for quantum devices on the Dutch emerging-technology list",
            "quantity": 1, "made_in": "NL",
            "classification": {"NL": "Regeling aanvullende controlemaatregelen (semiconductor item)", "EU": "NOT_LISTED"},
            "specs": {}}


DELFT = {"name": "Example Delft Cryogenics B.V.", "country": "NL", "headquarters": "NL"}
US_LAB = {"name": "Example Boulder Quantum Lab Inc.", "country": "US", "headquarters": "US"}
CA_LAB = {"name": "Example Waterloo Quantum Inc.", "country": "CA", "headquarters": "CA"}
write("NLA05", "an item of the Dutch emerging-technology list NL to the US on 2024-11-30: the list is not yet in force",
      SRC_NLE, tx("", "2024-11-30", "NL", "US", DELFT, emerging(), US_LAB),
      {"jurisdictions": {"NL": {"outcome": "NO_LICENSE_REQUIRED"}}})
write("NLA06", "the same item to the US on 2024-12-01: licence required (the US is not among the NL900 destinations the source names)",
      SRC_NLE, tx("", "2024-12-01", "NL", "US", DELFT, emerging(), US_LAB),
      {"jurisdictions": {"NL": {"outcome": "LICENSE_REQUIRED", "cites": ["aanvullende"],
                                "not_cites": ["geavanceerde productieapparatuur"]}}})
write("NLA07", "the same item to Canada on 2024-12-01: NL900",
      SRC_NLE, tx("", "2024-12-01", "NL", "CA", DELFT, emerging(), CA_LAB),
      {"jurisdictions": {"NL": {"outcome": "GENERAL_AUTHORIZATION", "verified": False}}})
write("NLA08", "the same item to Canada on 2024-11-30: not yet listed, no authorisation needed",
      SRC_NLE, tx("", "2024-11-30", "NL", "CA", DELFT, emerging(), CA_LAB),
      {"jurisdictions": {"NL": {"outcome": "NO_LICENSE_REQUIRED"}}})

# --- JP: the 2025 catch-all reform, Group A on METI's notice [S42a]; effective date UNVERIFIED (Oct 2025).
SRC_JP = ("Cabinet decision of 4 Apr 2025 amending the Foreign Exchange Order: licence for Group A destinations when METI "
          "notifies the exporter [S42a]; effective date reported as October 2025 (UNVERIFIED, taken as 1 Oct 2025); "
          "allied-regimes.md §4.5 and example W25")
JP_MAKER = {"name": "Example Shizuoka Vacuum K.K.", "country": "JP", "headquarters": "JP"}
DE_BUYER = {"name": "Example Dresden Trading GmbH", "country": "DE", "headquarters": "DE"}
PUMP = {"id": "DRYPUMP-80", "description": "dry vacuum pump, not on any Japanese control list", "quantity": 2,
        "made_in": "JP", "classification": {"JP": "NOT_LISTED"}, "specs": {}}
INFORMED = {"informed": ["military"], "aware": [], "suspects": []}
write("JPC01", "a non-listed pump JP to Germany (Group A) on 2025-09-30 after METI's notice: Group A still exempt",
      SRC_JP, tx("", "2025-09-30", "JP", "DE", JP_MAKER, copy.deepcopy(PUMP), DE_BUYER, copy.deepcopy(INFORMED)),
      {"jurisdictions": {"JP": {"outcome": "NO_LICENSE_REQUIRED"}}})
write("JPC02", "the same on 2025-10-01: licence required on METI's notice (W25)",
      SRC_JP, tx("", "2025-10-01", "JP", "DE", JP_MAKER, copy.deepcopy(PUMP), DE_BUYER, copy.deepcopy(INFORMED)),
      {"jurisdictions": {"JP": {"outcome": "LICENSE_REQUIRED", "cites": ["4 Apr 2025"], "verified": False}}})
write("JPC03", "W25 without the notice on 2025-11-01: Group A catch-all exemption, no licence",
      SRC_JP, tx("", "2025-11-01", "JP", "DE", JP_MAKER, copy.deepcopy(PUMP), DE_BUYER),
      {"jurisdictions": {"JP": {"outcome": "NO_LICENSE_REQUIRED"}}})

# --- KR: national designations beyond the regimes, possible from 21 Aug 2024 [S53a].
SRC_KR = ("Foreign Trade Act amendment in force 21 Aug 2024 (MOTIE may designate strategic items beyond the regimes) "
          "[S53a]; whether chip tools were designated is UNVERIFIED; constructed")
KR_MAKER = {"name": "Example Hwaseong Quantum Co., Ltd.", "country": "KR", "headquarters": "KR"}
QITEM = {"id": "QCTRL-1", "description": "quantum-computing control electronics under a Korean national designation",
         "quantity": 1, "made_in": "KR", "classification": {"KR": "KR national designation (advanced technology)"},
         "specs": {}}
write("KRN01", "an item under a Korean national designation KR to China on 2024-08-20: no basis yet, not strategic",
      SRC_KR, tx("", "2024-08-20", "KR", "CN", KR_MAKER, copy.deepcopy(QITEM), CN_FAB),
      {"jurisdictions": {"KR": {"outcome": "NO_LICENSE_REQUIRED"}}})
write("KRN02", "the same on 2024-08-21: a strategic item, export permission required",
      SRC_KR, tx("", "2024-08-21", "KR", "CN", KR_MAKER, copy.deepcopy(QITEM), CN_FAB),
      {"jurisdictions": {"KR": {"outcome": "LICENSE_REQUIRED", "cites": ["19(2)"]}}})

# --- US: 744.6(c)(2)(iii), Oct 2022 text (SME development/production in the PRC; Macau from 17 Jan 2023).
SRC_US6 = ("15 CFR 744.6(c)(2)(iii) (87 FR 62186; Macau by 88 FR 2821): US persons servicing items not subject to the "
           "EAR for SME development or production in the PRC (secondary summaries, us-ear.md §5.3; 12 Oct 2022 UNVERIFIED); "
           "constructed on U04")


def sme_service(cid, name, date, country, expect):
    fac = {"name": "Example SME Assembly Plant", "country": country, "headquarters": "CN"}
    t = {"id": cid, "date": date, "activity": "service", "ship_from": country, "destination": country,
         "exporter": {"name": "Example Wuxi Toolmaker Co., Ltd.", "country": country, "headquarters": "CN"},
         "parties": [{"role": "end_user", "name": "Example Wuxi Toolmaker Co., Ltd.", "country": country,
                      "headquarters": "CN"}],
         "items": [], "licenses": [],
         "end_use": {"facility": fac, "purpose": "sme_production"},
         "service": {"performer": {"name": "J. Doe", "nationalities": ["US"], "located_in": country,
                                   "employer": {"name": "Example Wuxi Toolmaker Co., Ltd.", "country": country,
                                                "headquarters": "CN"}},
                     "task": "maintain",
                     "equipment": {"id": "CNC-JP", "description": "Japanese-made machining centre, not subject to the EAR",
                                   "kind": "commodity", "quantity": 1,
                                   "unit_value": {"amount": 800000, "currency": "USD"}, "made_in": "JP",
                                   "classification": {"US": "2B991"},
                                   "us_content": {"controlled_value": {"amount": 0, "currency": "USD"},
                                                  "contains_us_ic": False, "contains_fdp_ic": False},
                                   "production": {"us_technology": [], "us_software": [], "plant_us_origin": False}},
                     "facility": fac},
         "knowledge": copy.deepcopy(NO_KNOWLEDGE)}
    write(cid, name, SRC_US6, t, expect)


LR_6iii = lambda cite: {"jurisdictions": {"US": {"outcome": "LICENSE_REQUIRED", "review_policy": "PRESUMPTION_OF_DENIAL",
                                                 "cites": [cite], "verified": False}}}
sme_service("USP01", "a US citizen maintains a machining centre at a PRC SME maker's plant on 2022-10-11: before the US-person rules",
            "2022-10-11", "CN", {"jurisdictions": {"US": {"outcome": "NO_LICENSE_REQUIRED"}}})
sme_service("USP02", "the same on 2022-10-12 (Oct 2022 (c)(2)(iii))", "2022-10-12", "CN", LR_6iii("744.6(c)(2)(iii)"))
sme_service("USP03", "the same at a Macau SME plant on 2023-01-16: Macau not yet covered", "2023-01-16", "MO",
            {"jurisdictions": {"US": {"outcome": "NO_LICENSE_REQUIRED"}}})
sme_service("USP04", "the same in Macau on 2023-01-17 (Macau added)", "2023-01-17", "MO", LR_6iii("88 FR 2821"))
sme_service("USP05", "the same in the PRC on 2023-11-17: the Oct 2022 (iii) replaced (Nov 2023 form not encoded)",
            "2023-11-17", "CN", {"jurisdictions": {"US": {"not_cites": ["744.6(c)(2)(iii) (87 FR 62186"]}}})

# --- JP: Appended Table 1 amended by the Cabinet decision of 11 Nov 2025 [S42b] (content and in-force day UNVERIFIED).
SRC_JP11 = ("Cabinet decision of 11 Nov 2025 amending Export Trade Control Order Appended Table 1 [S42b]; Category 3 "
            "content and day of entry into force UNVERIFIED (allied-regimes.md §4.6); constructed")
JP_ITEM = {"id": "DEP-25", "description": "Japanese deposition tool added to Appended Table 1 by the November 2025 amendment",
           "quantity": 1, "made_in": "JP",
           "classification": {"JP": "Export Trade Control Order Appended Table 1 row 7 (2025 amendment)"}, "specs": {}}
JP_DEP = {"name": "Example Kanto Deposition K.K.", "country": "JP", "headquarters": "JP"}
write("JPD01", "a tool added by the 11 Nov 2025 amendment JP to China on 2025-11-10: not yet listed",
      SRC_JP11, tx("", "2025-11-10", "JP", "CN", JP_DEP, copy.deepcopy(JP_ITEM), CN_FAB),
      {"jurisdictions": {"JP": {"outcome": "NO_LICENSE_REQUIRED"}}})
write("JPD02", "the same on 2025-11-11: listed, METI's licence required",
      SRC_JP11, tx("", "2025-11-11", "JP", "CN", JP_DEP, copy.deepcopy(JP_ITEM), CN_FAB),
      {"jurisdictions": {"JP": {"outcome": "LICENSE_REQUIRED", "cites": ["Appended Table 1"], "verified": False,
                                "reasons": [{"rule": "jp.etco.t1.r7.listed"}]}}})

# --- NL transitional clause: licences granted before an annex is replaced keep applying for their
# stated period [S25][S26]; the L01 licence (issued 2023-09-20, expires 2025-09-19) across both amendments.
SRC_NLT = ("Regeling of 2 Sep 2024, nr. BZ2404162: licences granted before entry into force continue for their stated "
           "period [S25][S26]; the amendment in force 1 Apr 2025 [S31]; constructed on L01")
from_case("L01", SRC_NLT, [
    (cid, date, f"the L01 licence of 2023 still authorises the NXT:2000i to the US fab on {date}, {what}",
     {"NL": {"outcome": "AUTHORIZED"}})
    for cid, date, what in (("NLA09", "2024-10-01", "after the 7 Sep 2024 annex"),
                            ("NLA10", "2025-04-01", "after the 1 Apr 2025 amendment"))])

# --- US: Hong Kong treated as China from 23 Dec 2020 (85 FR 83765); before it Hong Kong was a destination of
# its own, whose Country Chart row is not in the data (the chart is the eCFR of 2026-07-23, which has none).
SRC_HK = ("85 FR 83765 (Hong Kong no longer a separate destination from 23 Dec 2020, us-ear.md §9); Commerce Country "
          "Chart (refdata/us/country_chart.json: HK takes China's row from 2020-12-23, no HK row before); constructed on H03")


def hk_item(t):
    t["items"][0]["classification"] = {"US": "3A001.a.1"}
    t["items"][0]["description"] = "radiation-hardened integrated circuits"


from_case("H03", SRC_HK, [
    ("HKA01", "2020-12-22", "US-origin 3A001.a.1 ICs to a Hong Kong distributor on 2020-12-22: Hong Kong's own row is not in the data",
     {"US": {"outcome": "UNDETERMINED"}}),
    ("HKA02", "2020-12-23", "the same on 2020-12-23: Hong Kong takes China's row (NS 2)",
     {"US": {"outcome": "LICENSE_REQUIRED", "cites": ["738"]}})], hk_item)

# --- US: 744.23(a)(1) supercomputer end use, PRC from 21 Oct 2022, Macau from 17 Jan 2023 (88 FR 2821).
SRC_SC = ("15 CFR 744.23(a)(1) (87 FR 62186: PRC); 88 FR 2821 (Macau added 17 Jan 2023, us-ear.md §4.1 (A), secondary); "
          "US-origin servers; constructed on R20")


def macau_servers(t):
    t.update(ship_from="US", destination="MO")
    t["exporter"] = {"name": "Example Server Systems Inc.", "country": "US", "headquarters": "US"}
    t["parties"] = [{"role": "end_user", "name": "Example Macau Computing Centre", "country": "MO", "headquarters": "MO"}]
    t["items"][0]["made_in"] = "US"
    t["items"][0]["us_content"] = {"controlled_value": {"amount": 30000, "currency": "USD"}}


from_case("R20", SRC_SC, [
    ("SCM01", "2023-01-16", "US-origin servers for a Macau supercomputer on 2023-01-16: 744.23(a)(1) is PRC only",
     {"US": {"outcome": "NO_LICENSE_REQUIRED", "not_cites": ["744.23(a)(1)"]}}),
    ("SCM02", "2023-01-17", "the same on 2023-01-17: Macau added",
     {"US": {"outcome": "LICENSE_REQUIRED", "review_policy": "PRESUMPTION_OF_DENIAL",
             "cites": ["744.23(a)(1) (87 FR 62186; 88 FR 2821"]}})], macau_servers)
