#!/usr/bin/env python3
"""Build cordon's US reference data (refdata/) from public extractions of the eCFR.

Inputs (read-only, never copied into the repo):
  ../shared/data/peer-mcp/src/data/{country-groups,country-chart,ccl}.json
      eCFR issue 2026-07-23, see ../shared/data/peer-mcp/SOURCES.md
  ../shared/data/toolstop/packages/mcp-export-control/data.json
      eCFR edition 2026-08-07, see ../shared/data/toolstop/SOURCES.md (cross-check only,
      plus the CCL rows the peer parse lost or merged; those are flagged per entry)
  /usr/share/iso-codes/json/iso_3166-1.json  (Debian package iso-codes)

Outputs (relative to the repo root):
  refdata/countries.json
  refdata/us/country_groups.json
  refdata/us/country_chart.json
  refdata/us/ccl.json

Usage:  python3 tools/build_refdata.py [--shared DIR] [--iso FILE]
Standard library only.  Exits non-zero on any country name it cannot map, or on any
disagreement between the two Country Chart extractions.
"""

import argparse
import json
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SNAPSHOT = "2026-07-23"
TOOLSTOP_SNAPSHOT = "2026-08-07"
PEER_SRC = "from the peer-mcp extraction (see ../shared/data/peer-mcp/SOURCES.md)"
HK_FROM = "2020-12-23"

# ---------------------------------------------------------------------------
# Country names -> ISO 3166-1 alpha-2.  Names are first looked up among the
# iso-codes names (name / common_name / official_name); the odd spellings of the
# EAR tables (and of the two extractions) are listed here explicitly.
# ---------------------------------------------------------------------------
NAME_TO_ISO = {
    "Bahamas, The": "BS",
    "The Bahamas": "BS",
    "Bosnia & Herzegovina": "BA",
    "Bosnia and Herzegovina": "BA",
    "Brunei": "BN",
    "Burma": "MM",
    "Cape Verde": "CV",
    "China": "CN",
    "China (PRC)": "CN",
    "Congo (Democratic Republic of the)": "CD",
    "Congo (Democratic Republic of)": "CD",
    "Congo (Republic of the)": "CG",
    "Cote d'Ivoire": "CI",
    "Cote d'lvoire": "CI",  # sic: lower-case L for I in the Part 740 table
    "Czech Republic": "CZ",
    "Gambia, The": "GM",
    "Iran": "IR",
    "Korea, North": "KP",
    "Korea, South": "KR",
    # Kosovo has no ISO 3166-1 code; XK is the user-assigned code used by the EU
    # and others.  countries.json carries it with "iso": false.
    "Kosovo": "XK",
    "Laos": "LA",
    "Macau": "MO",
    "Micronesia (Federated State of)": "FM",
    "Micronesia, Federated States of": "FM",
    "Moldova": "MD",
    "Russia": "RU",
    "Saint Kitts & Nevis": "KN",
    "St. Kitts and Nevis": "KN",
    "Saint Lucia": "LC",
    "St. Lucia": "LC",
    "Saint Vincent and the Grenadines": "VC",
    "St. Vincent and the Grenadines": "VC",
    "Sao Tome & Principe": "ST",
    "Sao Tome and Principe": "ST",
    "Seycheles": "SC",  # sic, as the eCFR spells the Country Chart row
    "Sint Maarten (the Dutch two-fifths of the island of Saint Martin)": "SX",
    "South Sudan, Republic of": "SS",
    "Syria": "SY",
    "Tanzania": "TZ",
    "Trinidad & Tobago": "TT",
    "Trinidad and Tobago": "TT",
    "United Kingdom": "GB",
    "United States": "US",
    "Vatican City": "VA",
    "Venezuela": "VE",
    "Vietnam": "VN",
}

# Codes that are not in ISO 3166-1 but that the EAR tables need.
NON_ISO = {"XK": "Kosovo"}

GROUP_IDS = ["A:1", "A:2", "A:3", "A:4", "A:5", "A:6", "B",
             "D:1", "D:2", "D:3", "D:4", "D:5", "E:1", "E:2"]

# Groups that are not in the peer data.  UNVERIFIED: carried with "verified": false.
EU27 = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
        "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"]
EXTRA_GROUPS = [{
    "id": "US:SUPP4_742",
    "name": "Countries excluded from certain SME licence restrictions (Supp. No. 4 to part 742)",
    "cite": "15 CFR Part 742, Supp. No. 4",
    "verified": False,
    "note": ("33 countries per CSIS commentary on the Dec 2024 IFR; membership not read "
             "from the eCFR — UNVERIFIED"),
    "from": "2024-12-02",
    "members": EU27 + ["JP", "AU", "NO", "NZ", "CH", "GB"],
}]

HK_NOTE = "Hong Kong treated as China since 85 FR 83765 (23 Dec 2020)"


class Fail(Exception):
    pass


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write(relpath, obj):
    path = os.path.join(REPO, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {relpath}")


class Names:
    def __init__(self, iso):
        self.iso_codes = {c["alpha_2"] for c in iso}
        self.lookup = {}
        for c in iso:
            for k in ("name", "common_name", "official_name"):
                if k in c:
                    self.lookup.setdefault(c[k].casefold(), c["alpha_2"])
        self.unmapped = []

    def code(self, name, where):
        code = NAME_TO_ISO.get(name) or self.lookup.get(name.casefold())
        if code is None:
            self.unmapped.append(f"{where}: {name!r}")
            return None
        if code not in self.iso_codes and code not in NON_ISO:
            raise Fail(f"mapping table gives {code} for {name!r}, not an ISO 3166-1 code")
        return code

    def try_code(self, name):
        return NAME_TO_ISO.get(name) or self.lookup.get(name.casefold())

    def check(self):
        if self.unmapped:
            for u in self.unmapped:
                print(f"ERROR: cannot map country name {u}", file=sys.stderr)
            raise Fail(f"{len(self.unmapped)} country name(s) not mapped to ISO 3166-1")


# ---------------------------------------------------------------------------
def build_countries(iso, iso_path):
    countries = [{"code": c["alpha_2"], "name": c["name"]} for c in iso]
    for code, name in NON_ISO.items():
        countries.append({"code": code, "name": name, "iso": False,
                          "note": "Not in ISO 3166-1; user-assigned code XK, used because the "
                                  "EAR Country Chart and Country Groups list Kosovo"})
    countries.sort(key=lambda c: c["code"])
    return {"source": "ISO 3166-1 via Debian iso-codes 4.15 (/usr/share/iso-codes/json/iso_3166-1.json)",
            "countries": countries}


def build_groups(peer, names):
    if peer.get("ecfrIssueDate") != SNAPSHOT:
        raise Fail(f"country-groups.json is dated {peer.get('ecfrIssueDate')}, expected {SNAPSHOT}")
    groups = []
    for gid in GROUP_IDS:
        raw = peer["groups"].get(gid)
        if raw is None:
            raise Fail(f"group {gid} missing from country-groups.json")
        codes = []
        for name in raw:
            c = names.code(name, f"Country Group {gid}")
            if c and c not in codes:
                codes.append(c)
        members = [{"country": c} for c in sorted(codes)]
        if "CN" in codes:
            members.append({"country": "HK", "from": HK_FROM, "note": HK_NOTE})
            members.sort(key=lambda m: m["country"])
        groups.append({
            "id": "US:" + gid,
            "name": peer["labels"].get(gid, "Country Group " + gid),
            "cite": f"15 CFR Part 740, Supp. No. 1 (Country Group {gid})",
            "verified": True,
            "members": members,
        })
        if len(raw) != len(codes):
            print(f"  note: group {gid}: {len(raw)} names -> {len(codes)} codes")
    for g in EXTRA_GROUPS:
        groups.append({
            "id": g["id"], "name": g["name"], "cite": g["cite"], "verified": g["verified"],
            "note": g["note"],
            "members": [{"country": c, "from": g["from"]} for c in sorted(g["members"])],
        })
    notes = {k: v for k, v in peer.get("notes", {}).items()}
    return {
        "regime": "US",
        "source": f"15 CFR Part 740, Supp. No. 1, eCFR {SNAPSHOT}, {PEER_SRC}",
        "snapshot": SNAPSHOT,
        "notes": notes,
        "groups": groups,
    }


# ---------------------------------------------------------------------------
INHERIT_BASIS = {  # peer key -> (country, row country, from, short basis)
    "hong kong": ("HK", "CN", HK_FROM, "85 FR 83788"),
    "liechtenstein": ("LI", "CH", None,
                      "Supp. No. 1 to part 738, footnote 5, and 738.3(b) "
                      "(Liechtenstein also has its own row, which carries footnote 5)"),
    "cayman islands": ("KY", "GB", None, "738.3(b)"),
}


def build_chart(peer, toolstop, names):
    if peer.get("ecfrIssueDate") != SNAPSHOT:
        raise Fail(f"country-chart.json is dated {peer.get('ecfrIssueDate')}, expected {SNAPSHOT}")
    columns = list(peer["columns"])
    rows, row_fn, embargoed = {}, {}, {}
    for name, r in peer["countries"].items():
        c = names.code(name, "Country Chart row")
        if c is None:
            continue
        if c in rows:
            raise Fail(f"two Country Chart rows map to {c}")
        bad = [m for m in r["marks"] if m not in columns]
        if bad:
            raise Fail(f"row {name}: marks {bad} not in the column list")
        rows[c] = [m for m in columns if m in r["marks"]]
        if r.get("footnotes"):
            row_fn[c] = [str(f) for f in r["footnotes"]]
    for name, r in peer["embargoed"].items():
        c = names.code(name, "Country Chart embargo row")
        if c is None:
            continue
        embargoed[c] = r["pointer"]
        if r.get("footnotes"):
            row_fn[c] = [str(f) for f in r["footnotes"]]
    inherit = []
    for key, t in peer["territoryInheritance"].items():
        if key not in INHERIT_BASIS:
            raise Fail(f"unknown territory inheritance entry {key!r}")
        country, row, frm, basis = INHERIT_BASIS[key]
        if names.try_code(t["row"]) != row:
            raise Fail(f"inheritance {key}: peer row {t['row']!r} is not {row}")
        e = {"country": country, "row": row}
        if frm:
            e["from"] = frm
        e["basis"] = basis
        inherit.append(e)
    out = {
        "regime": "US",
        "source": f"15 CFR Part 738, Supp. No. 1, eCFR {SNAPSHOT}, {PEER_SRC}; "
                  f"checked against the toolstop extraction, eCFR {TOOLSTOP_SNAPSHOT} "
                  f"(see ../shared/data/toolstop/SOURCES.md)",
        "snapshot": SNAPSHOT,
        "cite": "15 CFR Part 738, Supp. No. 1",
        "columns": columns,
        "rows": dict(sorted(rows.items())),
        "row_footnotes": dict(sorted(row_fn.items())),
        "embargoed": dict(sorted(embargoed.items())),
        "inherit": inherit,
        "inherit_note": peer.get("territoryInheritanceNote", ""),
        "footnotes": {str(k): v for k, v in peer["footnotes"].items()},
    }
    check_chart(out, toolstop, names)
    return out


def check_chart(chart, toolstop, names):
    tcols = [re.sub(r"^([A-Z]{2})(\d)$", r"\1 \2", c) for c in toolstop["CHART_COLUMNS"]]
    problems = []
    if tcols != chart["columns"]:
        problems.append(f"columns differ: {tcols} vs {chart['columns']}")
    seen, compared = set(), 0
    for name, r in toolstop["COUNTRIES"].items():
        c = names.code(name, "toolstop Country Chart row")
        if c is None:
            continue
        seen.add(c)
        marks = [re.sub(r"^([A-Z]{2})(\d)$", r"\1 \2", m) for m in r.get("c", [])]
        fns = [str(f) for f in r.get("f", [])]
        if "e" in r:
            if c not in chart["embargoed"]:
                problems.append(f"{c}: embargo row only in toolstop")
            elif r["e"] != chart["embargoed"][c]:
                problems.append(f"{c}: embargo pointer differs")
        elif c not in chart["rows"]:
            problems.append(f"{c} ({name}): row only in toolstop")
            continue
        else:
            if sorted(marks) != sorted(chart["rows"][c]):
                problems.append(f"{c}: marks differ: toolstop {marks} vs peer {chart['rows'][c]}")
        if fns != chart["row_footnotes"].get(c, []):
            problems.append(f"{c}: footnotes differ: toolstop {fns} vs peer "
                            f"{chart['row_footnotes'].get(c, [])}")
        compared += 1
    for c in list(chart["rows"]) + list(chart["embargoed"]):
        if c not in seen:
            problems.append(f"{c}: row only in peer")
    for k, v in toolstop["FOOTNOTES"].items():
        # toolstop writes straight quotes where the eCFR has curly ones
        if _norm(chart["footnotes"].get(str(k), "")) != _norm(v):
            problems.append(f"footnote {k} differs")
    print(f"Country Chart cross-check: {compared} rows compared with toolstop "
          f"(eCFR {TOOLSTOP_SNAPSHOT}), {len(problems)} disagreement(s)")
    for p in problems:
        print(f"  DISAGREE: {p}", file=sys.stderr)
    if problems:
        raise Fail("Country Chart extractions disagree")


# ---------------------------------------------------------------------------
# CCL licence-requirement rows
# ---------------------------------------------------------------------------
ECCN_RE = r"[0-9][A-E][0-9]{3}"
PARA_RE = r"(?:[a-z]|\d{1,2})(?:\.(?:[a-z]|\d{1,2}))*"
REASON_RE = re.compile(r"^(?:Country Chart\. )?([A-Z]{2}) appl(?:ies|y)\b")
COLUMN_RE = re.compile(r"^([A-Z]{2}) Column ([1-3])\.?$")
SEE_RE = r"§ (\d{3}\.\d+(?:\([0-9a-zA-Z]+\))*)"


def _norm(s):
    s = s.replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'").replace("\u2019", "'")
    s = s.replace("( ", "(")
    s = re.sub(r"(\d[A-E]\d{3}) \.", r"\1.", s)  # "9A004 .g" -> "9A004.g"
    return " ".join(s.split())


def _expand_range(a, b):
    pa, pb = a.split("."), b.split(".")
    if len(pa) != len(pb) or pa[:-1] != pb[:-1]:
        return None
    x, y = pa[-1], pb[-1]
    if x.isdigit() and y.isdigit():
        vals = [str(i) for i in range(int(x), int(y) + 1)]
    elif len(x) == 1 and len(y) == 1 and x.isalpha() and y.isalpha():
        vals = [chr(i) for i in range(ord(x), ord(y) + 1)]
    else:
        return None
    if len(vals) < 2:
        return None
    return [".".join(pa[:-1] + [v]) for v in vals]


def parse_applies(control, eccn):
    """'all', a list of ECCN paragraph prefixes, or None when it cannot be expressed."""
    s = _norm(control).rstrip(".").strip()
    m = re.fullmatch(r"(?:Country Chart\. )?[A-Z]{2} appl(?:ies|y)(?: to)? (?:the )?entire entry", s)
    if m:
        return "all"
    m = re.fullmatch(r"[A-Z]{2} appl(?:ies|y)(?: to)? (?:items controlled by |paragraphs? )?(.+?)"
                     r"(?: only| of this entry)?", s)
    if not m:
        return None
    body = m.group(1)
    items = [t for t in re.split(r",\s*(?:and\s+)?|\s+and\s+", body) if t]
    out = []

    def para(tok):
        tok = tok.strip()
        mm = re.fullmatch(rf"(?:({ECCN_RE})\.|\.)?({PARA_RE})", tok)
        if not mm:
            return None
        if mm.group(1) and mm.group(1) != eccn:
            return None
        if not mm.group(1) and not out and not tok.startswith("."):
            # a bare first token such as "c" is fine only after "paragraph"
            pass
        return mm.group(2)

    for it in items:
        rng = re.fullmatch(r"(.+?) (?:to|through) (.+)", it)
        if rng:
            a, b = para(rng.group(1)), para(rng.group(2))
            if a is None or b is None:
                return None
            ex = _expand_range(a, b)
            if ex is None:
                return None
            out.extend(ex)
        else:
            p = para(it)
            if p is None:
                return None
            out.append(p)
    if not out:
        return None
    # the first token must name this ECCN, or the text must say "paragraph(s)"
    first = items[0].strip()
    if not first.startswith(eccn) and not re.search(r"appl(?:ies|y)(?: to)? paragraphs? ", s):
        return None
    res = []
    for p in out:
        full = f"{eccn}.{p}"
        if full not in res:
            res.append(full)
    return res


def parse_destinations(dest, names):
    """'To or within' destination phrase -> dict, or None."""
    dest = dest.strip()
    if dest in ("any destination worldwide",):
        return "worldwide"
    except_groups = []
    m = re.fullmatch(r"(.+?), excluding any destination also specified in Country Groups? (.+)", dest)
    if m:
        dest = m.group(1)
        except_groups = _group_list(m.group(2))
        if except_groups is None:
            return None
    dest = re.sub(r" of supplement no\. 1 to part 740 of the EAR$", "", dest, flags=re.I)
    groups, countries = [], []
    parts = re.split(r" or ", dest)
    for p in parts:
        p = p.strip()
        g = re.fullmatch(r"(?:a destination|destinations) specified in Country Groups? (.+)", p)
        if g:
            gl = _group_list(g.group(1))
            if gl is None:
                return None
            groups.extend(gl)
            continue
        name = re.sub(r"^the ", "", p)
        c = names.try_code(name)
        if c is None:
            return None
        countries.append(c)
    if not groups and not countries:
        return None
    out = {}
    if groups:
        out["groups"] = groups
    if countries:
        out["countries"] = _with_hk(countries)
    if except_groups:
        out["except_groups"] = except_groups
    return out


def _with_hk(codes):
    # Hong Kong is governed by the China entry since 2020-12-23 (85 FR 83765).
    if "CN" in codes and "HK" not in codes:
        codes = codes + ["HK"]
    return codes


def _group_list(s):
    toks = [t for t in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+", s.strip()) if t]
    out = []
    for t in toks:
        if t not in GROUP_IDS:
            return None
        out.append("US:" + t)
    return out


# "A license is required for items controlled by this entry [for export or reexport] to X
#  [or transfer within X] for <reason> reasons. The Commerce Country Chart is not designed
#  to determine .. requirements for this entry. See § N of the EAR for additional information."
NOT_CHART_RE = re.compile(
    r"A license is required for items controlled by this entry (?:for export or reexport )?"
    r"to (?P<to>[A-Z][A-Za-z ]+?)(?: (?:or|and) transfer within (?P<within>[A-Z][A-Za-z ]+?))?"
    r" for (?P<why>regional stability|anti-terrorism) reasons\.? The Commerce Country Chart is "
    r"not designed to determine (?:[A-Z]{2} )?licens(?:e|ing) requirements for this entry\. "
    r"See (?P<cite>§§? \d{3}\.\d+(?:\([0-9a-z]+\))*(?: and \d{3}\.\d+(?:\([0-9a-z]+\))*)?) "
    r"of the EAR for additional information\.")
PROSE_REASON = {"regional stability": "RS", "anti-terrorism": "AT"}


def parse_cell(cell, reason, columns, names):
    """Return a dict of the requirement's evaluable part, or None (unparsed)."""
    s = _norm(cell).strip()
    m = COLUMN_RE.fullmatch(s)
    if m:
        col = f"{m.group(1)} {m.group(2)}"
        if m.group(1) != reason or col not in columns:
            return None
        return {"column": col}
    m = re.fullmatch(rf"Worldwide control\. See {SEE_RE}(?: and \([a-z]\)\(\d+\))? of the EAR\.?", s)
    if m:
        return {"worldwide": True, "cite": "15 CFR " + m.group(1)}
    m = re.fullmatch(rf"To or within (.+?)[.,] [Ss]ee {SEE_RE}(?: of the EAR)?\.?", s)
    if m:
        d = parse_destinations(m.group(1), names)
        if d is None:
            return None
        cite = "15 CFR " + m.group(2)
        if d == "worldwide":
            return {"worldwide": True, "cite": cite}
        return {"destinations": d, "cite": cite}
    m = NOT_CHART_RE.fullmatch(re.sub(rf"^{reason} applies to entire entry\. ", "", s))
    if m and PROSE_REASON.get(m.group("why")) == reason:
        codes = []
        for n in re.split(r" or | and ", m.group("to")):
            c = names.try_code(n.strip())
            if c is None:
                return None
            codes.append(c)
        if m.group("within") and m.group("within") != m.group("to"):
            return None
        cites = re.sub(r"^§§? ", "", m.group("cite")).split(" and ")
        return {"destinations": {"countries": _with_hk(codes)},
                "cite": "; ".join("15 CFR " + c for c in cites)}
    m = re.fullmatch(rf"([A-Z][^()§]+?) \(see {SEE_RE}\)\.?", s)
    if m:
        codes = []
        for n in re.split(r",\s*(?:or\s+)?|\s+or\s+", m.group(1)):
            c = names.try_code(n.strip())
            if c is None:
                return None
            codes.append(c)
        return {"destinations": {"countries": _with_hk(codes)}, "cite": "15 CFR " + m.group(2)}
    return None


def convert_rows(eccn, rows, columns, names, stats):
    reqs = []
    for control, cell in rows:
        text = f"{control} | {cell}"
        m = REASON_RE.match(_norm(control))
        reason = m.group(1) if m else None
        applies = parse_applies(control, eccn) if reason else None
        ev = parse_cell(cell, reason, columns, names) if applies is not None else None
        r = {"reason": reason}
        if applies is not None:
            r["applies_to"] = applies
        if ev is None:
            r["unparsed"] = True
            kind = "unparsed"
        else:
            r.update(ev)
            kind = ("column" if "column" in ev else "worldwide" if ev.get("worldwide")
                    else "destinations")
        r["text"] = text
        stats[kind] = stats.get(kind, 0) + 1
        reqs.append(r)
    return reqs


def build_ccl(peer, toolstop, columns, names):
    if peer.get("ecfrIssueDate") != SNAPSHOT:
        raise Fail(f"ccl.json is dated {peer.get('ecfrIssueDate')}, expected {SNAPSHOT}")
    T = toolstop["ECCNS"]
    P = {e["eccn"]: e for e in peer["entries"]}
    only_peer = sorted(set(P) - set(T))
    only_tool = sorted(set(T) - set(P))
    print(f"CCL cross-check: peer {len(P)} ECCNs, toolstop {len(T)} ECCNs")
    print(f"  only in peer: {only_peer or 'none'}")
    print(f"  only in toolstop: {only_tool or 'none'}")

    stats, entries, replaced = {}, [], []
    for eccn in sorted(set(P) | set(T)):
        e, t = P.get(eccn), T.get(eccn)
        prow = [(r["control"], r["countryChart"]) for r in e["countryChart"]] if e else None
        trow = [(r[0], r[1]) for r in t["c"]] if t else None
        note = None
        if e is None:
            rows, heading, reasons = trow, t["t"], list(t.get("r", []))
            note = (f"Entry missing from the peer extraction (merged into a neighbour); "
                    f"heading and licence-requirement rows from toolstop, eCFR {TOOLSTOP_SNAPSHOT}")
            src = "toolstop"
        else:
            heading = e["heading"]
            reasons = [x.strip() for x in (e.get("reasonForControl") or "").split(",") if x.strip()]
            rows, src = prow, "peer"
            if t is not None and [tuple(map(_norm, r)) for r in prow] != \
                    [tuple(map(_norm, r)) for r in trow]:
                # The peer parse lost rows (prose-only requirements) or attached a
                # neighbour's rows; toolstop holds the entry's own rows.
                rows, src = trow, "toolstop"
                note = (f"Licence-requirement rows from toolstop, eCFR {TOOLSTOP_SNAPSHOT}: the "
                        f"peer extraction ({SNAPSHOT}) had {len(prow)} row(s), toolstop {len(trow)}")
                replaced.append((eccn, len(prow), len(trow)))
        ent = {"eccn": eccn, "heading": heading, "reasons": reasons}
        if t is not None and t.get("n"):
            ent["itar_pointer"] = True
        if note:
            ent["rows_source"] = note
        ent["requirements"] = convert_rows(eccn, rows, columns, names, stats)
        entries.append(ent)

    print(f"  rows taken from toolstop because the peer's differ: {len(replaced)}")
    for eccn, a, b in replaced:
        print(f"    {eccn}: peer {a} row(s), toolstop {b}")
    nrows = sum(len(e["requirements"]) for e in entries)
    print(f"CCL summary: {len(entries)} entries, {nrows} rows; by kind: "
          + ", ".join(f"{k} {stats.get(k, 0)}" for k in
                      ("column", "destinations", "worldwide", "unparsed")))
    return {
        "regime": "US",
        "source": f"15 CFR Part 774, Supp. No. 1, eCFR {SNAPSHOT}, {PEER_SRC}; entries marked "
                  f"rows_source are from the toolstop extraction, eCFR {TOOLSTOP_SNAPSHOT} "
                  f"(see ../shared/data/toolstop/SOURCES.md)",
        "snapshot": SNAPSHOT,
        "cite": "15 CFR Part 774, Supp. No. 1",
        "entries": entries,
    }


# ---------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"),
                    help="shared read-only material (default: ../shared)")
    ap.add_argument("--iso", default="/usr/share/iso-codes/json/iso_3166-1.json")
    a = ap.parse_args()
    peer_dir = os.path.join(a.shared, "data", "peer-mcp", "src", "data")
    tool_path = os.path.join(a.shared, "data", "toolstop", "packages", "mcp-export-control",
                             "data.json")
    try:
        iso = load(a.iso)["3166-1"]
        names = Names(iso)
        toolstop = load(tool_path)
        if toolstop.get("SOURCE_EDITION") != TOOLSTOP_SNAPSHOT:
            raise Fail(f"toolstop edition is {toolstop.get('SOURCE_EDITION')}")
        groups = build_groups(load(os.path.join(peer_dir, "country-groups.json")), names)
        names.check()
        chart = build_chart(load(os.path.join(peer_dir, "country-chart.json")), toolstop, names)
        names.check()
        ccl = build_ccl(load(os.path.join(peer_dir, "ccl.json")), toolstop, chart["columns"], names)
        names.check()
        # every code we emit must be a known country
        known = names.iso_codes | set(NON_ISO)
        for g in groups["groups"]:
            for m in g["members"]:
                if m["country"] not in known:
                    raise Fail(f"group {g['id']}: unknown code {m['country']}")
        write("refdata/countries.json", build_countries(iso, a.iso))
        write("refdata/us/country_groups.json", groups)
        write("refdata/us/country_chart.json", chart)
        write("refdata/us/ccl.json", ccl)
    except Fail as ex:
        print(f"build_refdata: FAILED: {ex}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
