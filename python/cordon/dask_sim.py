"""The what-if simulation over a Dask distributed cluster (docs/python.md § Distributed).

The flows are split into partitions (byte ranges of the JSON Lines files, read by the workers, or
slices of a DataFrame); each worker simulates its partitions with cordon.simulate, opening the
baseline and scenario engines once per process; the client merges the partition results in
partition order (whatif::Merge), which gives the single-process answer.

    from distributed import Client
    from cordon import dask_sim
    client = Client("tcp://scheduler-host:8786")
    r = dask_sim.simulate("flows.jsonl", ["scenarios/jp_persons/scenario.json"], client=client,
                          npartitions=16)
    r.to_dict()          # == cordon simulate --flows flows.jsonl --scenario ... --format json

From the shell:

    python3 -m cordon.dask_sim --scheduler tcp://scheduler-host:8786 --flows flows.jsonl \
        --scenario scenarios/jp_persons/scenario.json --partitions 16 --format json

Every worker must see the flow files and scenario manifests at the same paths as the client (a
shared or copied folder) and have the cordon package installed.
"""

import argparse
import math
import os
import sys
import time

import cordon

__all__ = ["flows_frame", "simulate", "main"]

_META_COLUMNS = {"flow": object}


def _lines_frame(lines):
    import pandas as pd
    return pd.DataFrame({"flow": [line.rstrip("\r\n") for line in lines if line.strip()]}, dtype=object)


def flows_frame(paths, npartitions=None, blocksize="32MiB"):
    """JSON Lines flow files as a dask DataFrame with one "flow" column, read by the workers.

    The files are cut into byte blocks at line ends: `npartitions` blocks in all (sized from the
    files' total size), or blocks of `blocksize` bytes.
    """
    import dask
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [os.path.abspath(str(p)) for p in paths]
    if npartitions:
        size = sum(os.path.getsize(p) for p in paths)
        blocksize = max(1, math.ceil(size / npartitions))
    bag = db.read_text(paths, blocksize=blocksize)
    parts = [dask.delayed(_lines_frame)(d) for d in bag.to_delayed()]
    meta = pd.DataFrame({"flow": pd.Series(dtype=object)})
    return dd.from_delayed(parts, meta=meta, verify_meta=False)


def _simulate_partition(frame, scenarios, home):
    # Runs on a worker: the partition's tallies as JSON text (small, and the same on every Python).
    return cordon.simulate(frame, scenarios, home=home).to_json()


def _partitions(flows, npartitions, blocksize):
    """The flows as a list of dask delayed objects, each a pandas DataFrame partition."""
    import dask.dataframe as dd
    import pandas as pd

    if isinstance(flows, dd.DataFrame):
        return flows.to_delayed()
    if isinstance(flows, (str, os.PathLike)) or (isinstance(flows, (list, tuple)) and flows
                                                  and all(isinstance(f, (str, os.PathLike)) and os.path.exists(f)
                                                          for f in flows)):
        return flows_frame(flows, npartitions, blocksize or "32MiB").to_delayed()
    if not isinstance(flows, pd.DataFrame):
        flows = pd.DataFrame({"flow": cordon.flow_lines(flows)})
    n = max(1, min(npartitions or 1, len(flows)))
    return dd.from_pandas(flows.reset_index(drop=True), npartitions=n, sort=False).to_delayed()


def simulate(flows, scenarios=(), *, client=None, npartitions=None, blocksize=None, home=None):
    """Baseline and scenarios over flows partitioned across a Dask cluster: a cordon.SimulationResult
    equal to cordon.simulate over all the flows at once.

    flows: path(s) of JSON Lines flow files (read by the workers), a dask DataFrame, or a pandas
    DataFrame / list of flows (as cordon.flow_lines takes) split into `npartitions` slices.
    client: a distributed.Client (default: the current one, else dask's local scheduler).
    home: the cordon home on the workers (default: each worker's own).
    """
    import dask

    scenarios = [cordon._scenario_spec(s) for s in scenarios]
    tasks = [dask.delayed(_simulate_partition)(p, scenarios, home) for p in _partitions(flows, npartitions, blocksize)]
    if client is not None:
        texts = client.gather(client.compute(tasks))
    else:
        texts = dask.compute(*tasks)
    return cordon.merge(cordon.SimulationResult.from_json(t) for t in texts)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m cordon.dask_sim",
                                description="cordon simulate over a Dask distributed cluster")
    p.add_argument("--flows", required=True, nargs="+", help="JSON Lines flow file(s), at the same path on every worker")
    p.add_argument("--scenario", action="append", default=[], help="scenario manifest (repeatable)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="the scheduler's address, e.g. tcp://host:8786")
    where.add_argument("--local", type=int, metavar="N", help="start a LocalCluster of N worker processes")
    p.add_argument("--partitions", type=int, help="cut the flows into this many partitions")
    p.add_argument("--blocksize", default="32MiB", help="else partitions of this many bytes (default 32MiB)")
    p.add_argument("--format", choices=["json", "text"], default="text")
    p.add_argument("--report", help="write the HTML report here")
    p.add_argument("--home", help="the cordon home on the workers")
    a = p.parse_args(argv)

    from distributed import Client, LocalCluster

    cluster = None
    if a.scheduler:
        client = Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.local or 2, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        workers = len(client.scheduler_info()["workers"])
        start = time.monotonic()
        r = simulate(a.flows if len(a.flows) > 1 else a.flows[0], a.scenario, client=client,
                     npartitions=a.partitions, blocksize=a.blocksize, home=a.home)
        seconds = time.monotonic() - start
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    print(f"{r.flows} flows on {workers} worker{'' if workers == 1 else 's'} in {seconds:.2f} s ({r.flows / max(seconds, 1e-9):.0f} flows/s)",
          file=sys.stderr)
    if a.report:
        with open(a.report, "w", encoding="utf-8") as f:
            f.write(r.html())
    if a.format == "json":
        print(r.to_json(2))
    else:
        for run in r.to_dict()["runs"]:
            leaking = sum(leak["count"] for leak in run["leaks"])
            print(f"{run['id']}: caught {run['caught']['count']:.0f} ({run['caught']['value']:.0f} USD), "
                  f"held {run['held']['count']:.0f}, concern caught {run['concern_caught']['count']:.0f} "
                  f"of {run['concern']['count']:.0f}, leaking {leaking:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
