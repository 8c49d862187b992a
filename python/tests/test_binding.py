"""ctest python_binding: `import cordon` answers as the command line does.

Runs under /usr/bin/python3 with PYTHONPATH=<build>/python (python/CMakeLists.txt); CORDON_CLI is
the cordon binary of the same build, CORDON_SOURCE the checkout, CORDON_SHARED ../shared.
"""

import json
import os
import pickle
import subprocess
import tempfile
import unittest

import pandas as pd

import cordon

SOURCE = os.environ["CORDON_SOURCE"]
SHARED = os.environ["CORDON_SHARED"]
CLI = os.environ["CORDON_CLI"]
SCENARIOS = [os.path.join(SOURCE, "scenarios", s, "scenario.json") for s in ("jp_persons", "nl_jp_reach", "kr_adopts_jp23")]


def cli(*args):
    out = subprocess.run([CLI, *args], check=True, capture_output=True, text=True, cwd=SOURCE)
    return out.stdout


def example(name):
    return os.path.join(SOURCE, "examples", name)


class CheckTest(unittest.TestCase):
    def test_shipment_as_the_cli(self):
        want = json.loads(cli("check", example("shipment.json"), "--context", example("context.json"), "--format", "json"))
        got = cordon.check(example("shipment.json"), context=example("context.json"))
        self.assertEqual(got["overall"], want["overall"])
        self.assertEqual({k: v["outcome"] for k, v in got["jurisdictions"].items()},
                         {k: v["outcome"] for k, v in want["jurisdictions"].items()})
        self.assertEqual(got, want)
        self.assertEqual(got["overall"], "LICENSE_REQUIRED")  # README: "LICENSE_REQUIRED — HOLD"

    def test_dicts_and_date(self):
        with open(example("shipment.json")) as f:
            tx = json.load(f)
        with open(example("context.json")) as f:
            ctx = json.load(f)
        self.assertEqual(cordon.check(tx, ctx), cordon.check(json.dumps(tx), json.dumps(ctx)))
        want = json.loads(cli("check", example("shipment.json"), "--context", example("context.json"),
                              "--date", "2021-06-01", "--format", "json"))
        self.assertEqual(cordon.check(tx, ctx, date="2021-06-01"), want)

    def test_bad_input_names_the_field(self):
        with open(example("shipment.json")) as f:
            tx = json.load(f)
        tx["destination"] = "XX"
        with self.assertRaises(ValueError) as e:
            cordon.check(tx)
        self.assertIn("destination", str(e.exception))
        with self.assertRaises(ValueError):
            cordon.check(example("shipment.json"), date="2025-13-01")


class ScreenTest(unittest.TestCase):
    def test_finds_a_listed_name(self):
        hits = cordon.screen("Huawei Tech. Co Ltd")
        self.assertIn(("US.EL", "Huawei Technologies Co., Ltd."), [(h["list"], h["name"]) for h in hits])
        self.assertTrue(all(h["score"] >= 0.9 for h in hits))
        self.assertEqual(hits, json.loads(cli("screen", "Huawei Tech. Co Ltd", "--format", "json"))["matches"])

    def test_country_and_no_match(self):
        want = json.loads(cli("screen", "华为技术有限公司", "--country", "CN", "--format", "json"))["matches"]
        self.assertEqual(cordon.screen("华为技术有限公司", country="CN"), want)
        self.assertEqual(cordon.screen("Zyxwv Qponm Garden Furniture"), [])
        with self.assertRaises(ValueError):
            cordon.screen("Huawei", scorer="soundex")


class TraceTest(unittest.TestCase):
    files = os.path.join(SOURCE, "tests", "trace_cli", "files")

    def test_as_the_cli(self):
        parts, bom = os.path.join(self.files, "parts.csv"), os.path.join(self.files, "bom.csv")
        got = {}
        for to in ("CN", "MX"):
            want = json.loads(cli("trace", "ETCH-300", "--to", to, "--date", "2025-01-15", "--parts", parts,
                                  "--bom", bom, "--format", "json"))
            got[to] = cordon.trace("ETCH-300", to, date="2025-01-15", parts=parts, bom=bom)
            self.assertEqual(got[to], want)
        # As tests/trace_cli pins: 12.8-22.8 % US content; subject to the EAR for China, not Mexico.
        self.assertAlmostEqual(got["CN"]["derivation"]["de_minimis"]["percent"]["low"], 12.8)
        self.assertEqual((got["CN"]["us"]["subject"]["value"], got["MX"]["us"]["subject"]["value"]), (True, False))

    def test_bad_product(self):
        with self.assertRaises(ValueError) as e:
            cordon.trace("NO-SUCH", "CN", parts=os.path.join(self.files, "parts.csv"),
                         bom=os.path.join(self.files, "bom.csv"))
        self.assertIn("NO-SUCH", str(e.exception))
        with self.assertRaises(ValueError):
            cordon.trace("ETCH-300", "CN")


class SimulateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.flows = os.path.join(cls.tmp.name, "flows.jsonl")
        cli("flows", "generate", "--count", "400", "--seed", "11", "--out", cls.flows)
        args = ["simulate", "--flows", cls.flows, "--format", "json"]
        for s in SCENARIOS:
            args += ["--scenario", s]
        cls.want = json.loads(cli(*args))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_equals_cli(self):
        r = cordon.simulate(cordon.read_flows(self.flows), SCENARIOS)
        self.assertEqual(r.flows, 400)
        self.assertEqual(r.to_dict(), self.want)
        # Not vacuous: four runs, and some scenario catches what the baseline does not.
        self.assertEqual([run["id"] for run in self.want["runs"]], ["baseline", "jp-persons", "nl-jp-reach", "kr-adopts-jp23"])
        self.assertGreater(sum(run["newly_caught"]["count"] for run in self.want["runs"]), 0)

    def test_partitions_merge_to_the_whole(self):
        frame = cordon.read_flows(self.flows)
        parts = [frame.iloc[i:i + 97] for i in range(0, len(frame), 97)]
        results = [cordon.simulate(p, SCENARIOS) for p in parts]
        self.assertEqual(sum(r.flows for r in results), 400)
        self.assertEqual(cordon.merge(results).to_dict(), self.want)
        self.assertEqual(cordon.merge(r.to_dict() for r in results).to_dict(), self.want)
        self.assertNotEqual(results[0].to_dict(), self.want)

    def test_columns_as_pandas_reads_them(self):
        frame = pd.read_json(self.flows, lines=True, dtype=False)
        self.assertIn("transaction", frame.columns)
        self.assertEqual(cordon.simulate(frame, SCENARIOS).to_dict(), self.want)

    def test_pickle_and_frame(self):
        r = cordon.simulate(self.flows, SCENARIOS)
        self.assertEqual(pickle.loads(pickle.dumps(r)), r)
        tallies = r.to_frame()
        base = tallies[(tallies.run == "baseline") & (tallies.measure == "caught")]
        self.assertEqual(base["count"].item(), self.want["runs"][0]["caught"]["count"])
        self.assertIn("<svg", r.html())

    def test_combined_scenarios(self):
        combined = SCENARIOS[0] + "+" + SCENARIOS[2]
        want = json.loads(cli("simulate", "--flows", self.flows, "--scenario", combined, "--format", "json"))
        self.assertEqual(cordon.simulate(self.flows, [combined]).to_dict(), want)
        self.assertEqual(len(want["runs"]), 2)

    def test_generate_equals_cli(self):
        with open(self.flows) as f:
            want = f.read().splitlines()
        self.assertEqual(cordon.generate_flows(400, seed=11)["flow"].tolist(), want)

    def test_bad_flow_names_the_row(self):
        frame = cordon.read_flows(self.flows).iloc[:5].copy()
        bad = json.loads(frame.loc[3, "flow"])
        bad["transaction"]["destination"] = "XX"
        frame.loc[3, "flow"] = json.dumps(bad)
        with self.assertRaises(ValueError) as e:
            cordon.simulate(frame, SCENARIOS)
        self.assertIn("flows[3]: transaction: destination", str(e.exception))
        with self.assertRaises(ValueError):
            cordon.merge([cordon.simulate(frame.iloc[:2]), cordon.simulate(frame.iloc[:2], SCENARIOS[:1])])


if __name__ == "__main__":
    unittest.main()
