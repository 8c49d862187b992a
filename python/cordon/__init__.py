"""cordon from Python: determinations, screening, supply-chain traces and what-if simulations.

    import cordon
    d = cordon.check(transaction_dict, context=context_dict)   # the determination, as a dict
    hits = cordon.screen("Huawei Tech. Co Ltd", country="CN")   # list matches, best first
    r = cordon.simulate(flows_frame, scenarios=["scenarios/jp_persons/scenario.json"])
    r.to_dict()                                                 # == cordon simulate --format json

The answers are those of the command line (`cordon check --format json`, `cordon screen --format
json`, `cordon trace --format json`, `cordon simulate --format json`); docs/python.md documents
each function, the flow DataFrame and the Dask runner (cordon.dask_sim).

Engines, screening indexes and simulators are opened once per process and cached (they are
immutable and thread-safe); the C++ work runs without the GIL.
"""

import functools
import io
import json
import math
import os

from . import _cordon
from ._cordon import SimulationResult

__all__ = [
    "Engine", "SimulationResult", "check", "screen", "trace", "simulate", "merge", "read_flows",
    "generate_flows", "flow_lines", "home",
]


def home():
    """The cordon home in use (the folder holding rules/ and refdata/)."""
    return _default_home()


@functools.lru_cache(maxsize=None)
def _default_home():
    if os.environ.get("CORDON_HOME"):
        return os.environ["CORDON_HOME"]
    # An installed package carries its rules and reference data (setup.py copies them to data/).
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    if os.path.isdir(os.path.join(bundled, "rules")) and os.path.isdir(os.path.join(bundled, "refdata")):
        return bundled
    return _cordon.find_home()


def _json_text(value, what):
    """JSON text from a dict/list (serialised) or a str (taken as JSON text, or a path to a file)."""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, os.PathLike) or (isinstance(value, str) and not value.lstrip().startswith(("{", "["))):
        with open(value, encoding="utf-8") as f:
            return f.read()
    if isinstance(value, str):
        return value
    raise TypeError(f"{what}: expected a dict, JSON text or a path, not {type(value).__name__}")


class Engine:
    """One engine: the bundled rules and reference data, with extra rule files and lists if given.

    home: the cordon home (default: $CORDON_HOME, the data installed with the package, or the
    source tree the module was built from). rules: extra rule files or folders. lists: restricted-
    party list files screened during check (as `cordon check --lists`), matched at `threshold`.
    """

    def __init__(self, home=None, rules=(), lists=(), threshold=0.90, trace=True):
        self._e = _cordon.Engine(home or _default_home(), [str(r) for r in rules], [str(x) for x in lists],
                                 threshold, trace)

    @property
    def home(self):
        return self._e.home

    @property
    def version(self):
        return self._e.version

    def check(self, transaction, context=None, date=None):
        """The determination of one transaction (dict, JSON text or path), as `cordon check --format json`.

        context: the context (dict, JSON text or path); date: "YYYY-MM-DD" overriding the
        transaction's. Bad input raises ValueError naming the field.
        """
        ctx = None if context is None else _json_text(context, "context")
        return json.loads(self._e.check(_json_text(transaction, "transaction"), ctx, date))


@functools.lru_cache(maxsize=8)
def _engine(home, rules, lists, threshold):
    return Engine(home, rules, lists, threshold)


def check(transaction, context=None, date=None, *, rules=(), lists=(), threshold=0.90, home=None):
    """The determination of one transaction: `cordon check FILE --context C --format json` as a dict."""
    e = _engine(home or _default_home(), tuple(map(str, rules)), tuple(map(str, lists)), threshold)
    return e.check(transaction, context, date)


def _default_lists():
    csl = os.path.join(_default_home(), "..", "shared", "data", "peer-mcp", "expanded", "consolidated.csv")
    if not os.path.exists(csl):
        raise ValueError("no list to screen against: pass lists=[PATH] (the full CSL is looked for at "
                         + os.path.normpath(csl) + ", not found)")
    return [os.path.normpath(csl)]


@functools.lru_cache(maxsize=4)
def _screener(lists):
    return _cordon.Screener(list(lists))


def screen(name, country=None, threshold=0.90, scorer="jw", lists=None, only=(), max_results=0):
    """List matches for one name, best first: dicts with list, entity, name, matched_name,
    matched_on, score and why (the "matches" of `cordon screen NAME --format json`).

    lists: list files or folders in their publishers' formats (default: the full Consolidated
    Screening List beside the home, as the command line). only: list ids to keep ("US.EL", or a
    prefix "US."). scorer: jw | levenshtein | token-set. The index is built once per set of lists.
    """
    paths = tuple(str(p) for p in lists) if lists else tuple(_default_lists())
    return _screener(paths).screen(name, country or "", threshold, scorer, list(only), max_results)


def trace(product, to, context=None, parties=(), date=None, *, parts=None, bom=None, home=None):
    """How the US reaches a catalogue product for one destination, as a dict: `cordon trace PRODUCT
    --to CC --format json` with --context (a context with "products": dict, JSON text or path) or
    with --parts and --bom (the CSV tables' paths). parties: end users' names; date: "YYYY-MM-DD"."""
    e = _engine(home or _default_home(), (), (), 0.90)
    ctx = None if context is None else _json_text(context, "context")
    return json.loads(e._e.trace(product, to, ctx, None if parts is None else str(parts),
                                 None if bom is None else str(bom), list(parties), date))


# ---- what-if ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _simulator(scenarios, home):
    return _cordon.Simulator(list(scenarios), home)


def _py(value):
    """A pandas/numpy scalar as a plain Python value for json.dumps."""
    return value.item() if hasattr(value, "item") else value


def _missing(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


def flow_lines(flows):
    """The flows as a list of JSON texts, one flow object each (a line of the flow format).

    flows: a pandas DataFrame with a "flow" column holding each flow's JSON line (read_flows), or
    with the flow's fields as columns: "transaction" (dict or JSON text) and optionally "id",
    "weight", "concern" (what pandas.read_json(path, lines=True) gives); or a list of JSON texts
    or dicts.
    """
    columns = getattr(flows, "columns", None)
    if columns is None:
        return [f if isinstance(f, str) else json.dumps(f) for f in flows]
    if "flow" in columns:
        return [f if isinstance(f, str) else json.dumps(f) for f in flows["flow"].tolist()]
    if "transaction" not in columns:
        raise ValueError("flows: a DataFrame of flows needs a 'flow' column (JSON lines) or a 'transaction' column")
    unknown = [c for c in columns if c not in ("id", "weight", "concern", "transaction")]
    if unknown:
        raise ValueError(f"flows: {unknown[0]}: unknown column (a flow has id, weight, concern, transaction)")
    lines = []
    for row in flows.itertuples(index=False):
        row = row._asdict()
        flow = {}
        for key in ("id", "weight", "concern"):
            if key in row and not _missing(row[key]):
                flow[key] = _py(row[key])
        tx = row["transaction"]
        flow["transaction"] = json.loads(tx) if isinstance(tx, str) else tx
        lines.append(json.dumps(flow))
    return lines


def _scenario_spec(spec):
    # "a.json" or a combination "a.json+b.json" (as `cordon simulate --scenario`), made absolute.
    return "+".join(os.path.abspath(p) for p in str(spec).split("+"))


def simulate(flows, scenarios=(), *, home=None):
    """Baseline and scenarios over one partition of flows: a SimulationResult.

    flows: a DataFrame (see flow_lines), a list of flow JSON texts or dicts, or the path of a JSON
    Lines file. scenarios: scenario manifests (scenario.json), or combinations "a.json+b.json", in
    order. The result's to_dict() is
    `cordon simulate --flows F --scenario S... --format json`; results of partitions of the same
    flows merge (merge()) into the result of the whole.
    """
    if isinstance(flows, (str, os.PathLike)):
        flows = read_flows(flows)
    sim = _simulator(tuple(_scenario_spec(s) for s in scenarios), home or _default_home())
    return sim.simulate(flow_lines(flows), "flows")


def _result_to_dict(self):
    return json.loads(self.to_json())


def _result_from_dict(d):
    return SimulationResult.from_json(json.dumps(d))


def _result_eq(self, other):
    return isinstance(other, SimulationResult) and self.to_dict() == other.to_dict()


def _result_frame(self):
    """The tallies as a long DataFrame: run, measure, key, count, value (one row per tally)."""
    import pandas as pd
    rows = []
    for run in self.to_dict()["runs"]:
        for measure in ("caught", "held", "concern", "concern_caught", "changed_from_baseline", "newly_caught"):
            rows.append((run["id"], measure, "", run[measure]["count"], run[measure]["value"]))
        for regime, t in run["caught_by_regime"].items():
            rows.append((run["id"], "caught_by_regime", regime, t["count"], t["value"]))
        for leak in run["leaks"]:
            rows.append((run["id"], "leaks", leak["route"], leak["count"], leak["value"]))
    return pd.DataFrame(rows, columns=["run", "measure", "key", "count", "value"])


SimulationResult.to_dict = _result_to_dict
SimulationResult.from_dict = staticmethod(_result_from_dict)
SimulationResult.to_frame = _result_frame
SimulationResult.__eq__ = _result_eq
SimulationResult.__hash__ = None


def merge(results):
    """The merge of partition results (SimulationResult or their dicts), in order: whatif::Merge."""
    total = SimulationResult()
    for r in results:
        total.merge(r if isinstance(r, SimulationResult) else SimulationResult.from_dict(r))
    return total


def read_flows(path):
    """A JSON Lines flow file as a DataFrame with one "flow" column (each line's text, unparsed)."""
    import pandas as pd
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\r\n") for line in f if line.strip()]
    return pd.DataFrame({"flow": lines})


def generate_flows(count, seed=20251201, profile=None):
    """`cordon flows generate --count N --seed S` as a DataFrame with a "flow" column.

    profile: the flow profile (default examples/whatif/flow_profile.json of the home)."""
    import pandas as pd
    if profile is None:
        profile = os.path.join(_default_home(), "examples", "whatif", "flow_profile.json")
    text = _cordon.generate_flows(str(profile), count, seed)
    return pd.DataFrame({"flow": text.splitlines()})
