#!/usr/bin/env python3
"""Builds refdata/us/list_entries.json: the Entity List entries the bundled chip rules turn on.

Sources (both read-only, beside the checkout):
  * tools/entity_list_curated.json - hand-kept entries whose dates, histories and structured review
    policies come from ../shared/regs/us-ear.md §3.2 (Huawei, HiSilicon, SMIC, YMTC); kept as they are.
  * ../shared/data/peer-mcp/src/data/screening-list.json - the Consolidated Screening List generated
    2026-07-31 (trade.gov; see ../shared/data/peer-mcp/SOURCES.md). Its Entity List part (3,420 entries)
    gives each entry's name, aliases, country, licence requirement, review policy and FR citations.

Taken from the CSL: every entry whose licence requirement names a foreign-direct-product footnote -
footnote 1 (734.9(e)(1)), footnote 4 (734.9(e)(2)), footnote 5 (734.9(e)(3) / 734.4(a)(9)) - and the SMIC
and YMTC families. The CSL carries no dates: an entry's date of addition is the effective date of the
earliest FR notice it cites, from FR_DATES below (each with its source; those not in the fact sheets are
marked unverified and make the entry `verified: false`). A footnote given to an entry after its addition
(footnote 1 from 15 May 2020, footnote 5 from 2 Dec 2024) is a dated `history` change; the CSL's review
policy is today's, so where the footnote came later the policy before it is the one the fact sheet gives
(or plain presumption of denial, unverified). Entries whose earliest FR notice is not in FR_DATES are left
out and counted in the file's note (they stay reachable through `cordon check --lists`).

Run from the repo root: python3 tools/build_entity_list.py   (--check: fail if the file is out of date)
"""
import hashlib
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CSL = ROOT.parent / "shared" / "data" / "peer-mcp" / "src" / "data" / "screening-list.json"
CURATED = ROOT / "tools" / "entity_list_curated.json"
OUT = ROOT / "refdata" / "us" / "list_entries.json"

# (volume, first page of the rule, last page it reaches) -> (effective date, source, verified)
FR_DATES = [
    (83, 54519, 54522, "2018-10-30", "83 FR 54519 (Fujian Jinhua), effective on publication - not in the fact sheets", False),
    (84, 22961, 22963, "2019-05-16", "84 FR 22961, us-ear.md §3.2 and §9", True),
    (84, 43493, 43495, "2019-08-19", "84 FR 43493, us-ear.md §3.2 (+46 Huawei affiliates)", True),
    (85, 51596, 51603, "2020-08-17", "85 FR 51596, us-ear.md §3.2 and §9", True),
    (85, 83416, 83420, "2020-12-18", "85 FR 83416, us-ear.md §3.2 (SMIC and 10 affiliates)", True),
    (87, 77505, 77508, "2022-12-16", "87 FR 77505, us-ear.md §3.2 and §9", True),
    (88, 13673, 13675, "2023-03-02", "88 FR 13673 (Mar 2023 additions) - date not in the fact sheets", False),
    (88, 71991, 71992, "2023-10-17", "88 FR 71991, us-ear.md §3.2 and §9", True),
    (89, 96830, 96837, "2024-12-02", "89 FR 96830 (FR doc 2024-28267), us-ear.md §3.2 and §9", True),
    (90, 4619, 4621, "2025-01-15", "90 FR 4619 (Jan 2025 additions) - date not in the fact sheets", False),
    (90, 14044, 14046, "2025-03-25", "90 FR 14044 (Mar 2025 additions) - date not in the fact sheets", False),
    (90, 44494, 44496, "2025-09-12", "90 FR 44494 (Sep 2025 additions) - date not in the fact sheets", False),
]
FN1_FROM = "2020-05-15"   # 85 FR 29849, us-ear.md §3.2
# 744.11(a)(2)(i): foreign-produced items subject through the footnote 1 FDP rule that can support
# telecommunications below the 5G level are reviewed case by case; the item's spec
# `cellular_generation` (the highest generation it supports) says so; unknown reads as denial.
FN1_POLICY_WHEN = [{"when": "subject_only_via([\"us.ear.734_9.e1\", \"us.ear.736_2.b3vi\"]) and item.spec.cellular_generation < 5",
                    "policy": "CASE_BY_CASE"}]
FN5_FROM = "2024-12-02"   # 89 FR 96830, us-ear.md §3.2
SMIC_2020_POLICY = ("presumption of denial for items uniquely required for production at 10 nm and below; "
                    "case-by-case for other items")
FAMILY = re.compile(r"Semiconductor Manufacturing International|\bSMIC\b|Semiconductor Manufacturing (North|South) China"
                    r"|SJ Semiconductor|Ningbo Semiconductor International|Yangtze Memory", re.I)


def footnotes(req):
    f = set()
    if re.search(r"734\.9\(e\)\s*1|734\.9\(e\)\(1\)", req):
        f.add(1)
    if re.search(r"734\.9\(e\)\(2\)", req):
        f.add(4)
    if re.search(r"734\.9\(e\)\(3\)|734\.4\(a\)\(9\)", req):
        f.add(5)
    return f


def fr_date(fr):
    cites = [(int(v), int(p)) for v, p in re.findall(r"(\d+)\s*FR\s*(\d+)", fr or "")]
    if not cites:
        return None
    v, p = min(cites)
    for vol, lo, hi, date, src, ok in FR_DATES:
        if v == vol and lo <= p <= hi:
            return date, src, ok, f"{v} FR {p}"
    return None


def fold(s):
    return re.sub(r"\s+", " ", s).strip().casefold()


def main():
    raw = CSL.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    csl = json.loads(raw)
    t = csl["tables"]
    el_src = t["sources"].index("Entity List (EL) - Bureau of Industry and Security")
    curated = json.loads(CURATED.read_text())["entries"]
    names = {fold(e["name"]) for e in curated}
    out, skipped, unverified = list(curated), [], 0
    for e in csl["entries"]:
        if e["s"] != el_src:
            continue
        req = t["licenceRequirements"][e["lr"]] if "lr" in e else ""
        pol = t["licencePolicies"][e["lp"]] if "lp" in e else ""
        fn = footnotes(req)
        if not fn and not FAMILY.search(e["n"]):
            continue
        if fold(e["n"]) in names:
            continue
        d = fr_date(e.get("fr"))
        if d is None:
            skipped.append(e["n"])
            continue
        added, src, ok, first = d
        entry = {"list": "US.EL", "name": e["n"], "aliases": e.get("a", []),
                 "country": e["c"][0] if e.get("c") else None, "added": added,
                 "license_requirement": req, "review_policy": pol, "footnotes": [],
                 "federal_register": e.get("fr", ""),
                 "source": f"CSL 2026-07-31 entity_number {e.get('e', '?')} "
                           f"(../shared/data/peer-mcp/src/data/screening-list.json sha256 {sha[:16]})"}
        if 1 in fn and pol.strip().rstrip(".").lower() == "presumption of denial":
            entry["policy_when"] = FN1_POLICY_WHEN
            entry["policy_else"] = "PRESUMPTION_OF_DENIAL"
        if "740.26" in req or "740.26" in pol:
            entry["license_exceptions"] = ["RFF"]   # the entry references License Exception RFF (740.26)
        if entry["country"] is None:
            del entry["country"]
        history = []
        notes = [f"added: effective date of {first} ({src})"]
        later = []
        if 1 in fn:
            if added < FN1_FROM:
                later.append((FN1_FROM, 1))
            else:
                entry["footnotes"].append(1)
        if 4 in fn:
            entry["footnotes"].append(4)
            notes.append("footnote 4 taken as given at addition (the CSL gives no date)")
        if 5 in fn:
            if added < FN5_FROM:
                later.append((FN5_FROM, 5))
            else:
                entry["footnotes"].append(5)
        verified = ok
        if added == "2020-12-18" and 5 not in fn:
            # SMIC family: the review policy was rewritten on 2 Dec 2024 (us-ear.md §3.2, 89 FR 96830).
            entry["review_policy"] = SMIC_2020_POLICY
            history.append({"from": FN5_FROM, "review_policy": pol})
            notes.append("review policy before 2 Dec 2024 from us-ear.md §3.2 (SMIC, 2020)")
        for when, f in later:
            ch = {"from": when, "footnotes": sorted(set(entry["footnotes"]) | {f})}
            if f == 5:
                # The CSL policy is the Dec 2024 one; before it, the policy at addition.
                ch["review_policy"] = pol
                entry["review_policy"] = SMIC_2020_POLICY if added == "2020-12-18" else "presumption of denial"
                notes.append("review policy before 2 Dec 2024 " + ("from us-ear.md §3.2 (SMIC, 2020)" if added == "2020-12-18"
                             else "taken as presumption of denial (UNVERIFIED)"))
                verified = verified and added == "2020-12-18"
            history.append(ch)
        if history:
            entry["history"] = history
        entry["note"] = "; ".join(notes)
        entry["verified"] = verified
        unverified += not verified
        out.append(entry)
    doc = {
        "note": ("Generated by tools/build_entity_list.py - do not edit. Entity List entries the bundled chip rules "
                 "turn on: the hand-kept entries of tools/entity_list_curated.json (us-ear.md §3.2) and, from the "
                 f"Consolidated Screening List generated 2026-07-31 (../shared/data/peer-mcp/src/data/screening-list.json, "
                 f"sha256 {sha}), every entry whose licence requirement names footnote 1, 4 or 5 and the SMIC and YMTC "
                 f"families: {len(out) - len(curated)} entries ({unverified} with an unverified date or policy). "
                 f"Left out for want of a dated FR notice: {len(skipped)}."),
        "entries": out}
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if "--check" in sys.argv[1:]:
        # For the test suite: the committed file must be what the sources give today.
        if OUT.read_text() != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run python3 tools/build_entity_list.py", file=sys.stderr)
            sys.exit(1)
        print(f"{OUT.relative_to(ROOT)} is current ({len(out)} entries)", file=sys.stderr)
        return
    OUT.write_text(text)
    print(f"{OUT.relative_to(ROOT)}: {len(out)} entries ({len(curated)} curated, {len(out) - len(curated)} from the CSL, "
          f"{unverified} unverified); skipped {len(skipped)}", file=sys.stderr)
    for n in skipped:
        print("  skipped:", n, file=sys.stderr)


if __name__ == "__main__":
    main()
