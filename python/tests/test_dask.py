"""ctest dask_simulation: the simulation partitioned over a Dask LocalCluster of two worker
processes equals the single-process run (cordon.simulate, and `cordon simulate --format json`).

Environment as test_binding.py (python/CMakeLists.txt).
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

from distributed import Client, LocalCluster

import cordon
from cordon import dask_sim

SOURCE = os.environ["CORDON_SOURCE"]
CLI = os.environ["CORDON_CLI"]
SCENARIOS = [os.path.join(SOURCE, "scenarios", s, "scenario.json") for s in ("jp_persons", "nl_jp_reach", "kr_adopts_jp23")]


def _cached_simulators():
    # Runs on each worker: how many simulators (engine sets) this process has opened.
    import cordon as c
    return c._simulator.cache_info().currsize


class DaskSimulationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.flows = os.path.join(cls.tmp.name, "flows.jsonl")
        subprocess.run([CLI, "flows", "generate", "--count", "600", "--seed", "5", "--out", cls.flows],
                       check=True, capture_output=True)
        args = [CLI, "simulate", "--flows", cls.flows, "--format", "json"]
        for s in SCENARIOS:
            args += ["--scenario", s]
        cls.cli = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        cls.single = cordon.simulate(cls.flows, SCENARIOS)
        cls.cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        cls.client = Client(cls.cluster)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()
        cls.tmp.cleanup()

    def test_single_process_equals_cli(self):
        self.assertEqual(self.single.to_dict(), self.cli)
        self.assertEqual(self.single.flows, 600)

    def test_files_read_by_workers(self):
        self.assertEqual(len(self.client.scheduler_info()["workers"]), 2)
        r = dask_sim.simulate(self.flows, SCENARIOS, client=self.client, npartitions=6)
        self.assertEqual(r.to_dict(), self.cli)
        self.assertEqual(r, self.single)
        # Both worker processes simulated partitions (each opened its engines once).
        opened = self.client.run(_cached_simulators)
        self.assertEqual(len(opened), 2)
        self.assertTrue(all(n >= 1 for n in opened.values()), opened)

    def test_dataframe_partitions(self):
        frame = cordon.read_flows(self.flows)
        r = dask_sim.simulate(frame, SCENARIOS, client=self.client, npartitions=5)
        self.assertEqual(r.to_dict(), self.cli)
        # One scenario only: a different answer, so the comparison above is not vacuous.
        one = dask_sim.simulate(frame, SCENARIOS[:1], client=self.client, npartitions=5)
        self.assertNotEqual(one.to_dict(), self.cli)
        self.assertEqual(one.to_dict(), cordon.simulate(frame, SCENARIOS[:1]).to_dict())

    def test_command_line(self):
        out = subprocess.run([sys.executable, "-m", "cordon.dask_sim", "--scheduler", self.cluster.scheduler_address,
                              "--flows", self.flows, "--partitions", "4", "--format", "json",
                              *sum((["--scenario", s] for s in SCENARIOS), [])],
                             check=True, capture_output=True, text=True)
        self.assertEqual(json.loads(out.stdout), self.cli)
        self.assertIn("600 flows on 2 workers", out.stderr)


if __name__ == "__main__":
    unittest.main()
