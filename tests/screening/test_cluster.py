"""``screen-file`` on a real Dask LocalCluster of several worker processes: the same output, row for row, as the
plain run; a worker killed mid-run loses and duplicates nothing; Parquet input reads as the CSV does."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

from kizuna.core.errors import InputError
from kizuna.core.tables import write_table
from kizuna.screening import cluster as cluster_module
from kizuna.screening.batch import screen_file
from kizuna.screening.screener import Screener
from tests.conftest import kizuna

# Real names as customers write them: listed parties in several scripts, near misses and clean names.
NAMES = ["Huawei Technologies Co., Ltd.", "華為技術有限公司", "北京航空航天大学", "Beihang University",
         "ROSOBORONEXPORT", "Рособоронэкспорт", "Korea Kwangson Banking Corp", "조선광선은행", "Hikvision",
         "杭州海康威视数字技术股份有限公司", "Toyota Motor Corporation", "Siemens AG", "Acme Widgets Ltd",
         "ファーウェイ", "Semiconductor Manufacturing International Corporation", "Mahan Air", "Jane Smith", ""]


@pytest.fixture(scope="module")
def customers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cluster") / "customers.csv"
    # 1,500 rows: three partitions per worker, so a killed worker has work in flight and work still to come.
    write_table(path, ["id", "name"], ([f"C{i}", NAMES[i % len(NAMES)]] for i in range(1500)))
    return path


def _rows(path: Path) -> list[dict[str, object]]:
    """The result records (the first line is the run's metadata, which names its start time)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[1:]]


def test_cluster_output_equals_the_plain_run(screener: Screener, customers: Path, dask_cluster: LocalCluster,
                                             tmp_path: Path) -> None:
    plain, distributed = tmp_path / "plain.jsonl", tmp_path / "dask.jsonl"
    expected = screen_file(screener, customers, plain, workers=1)
    report = screen_file(screener, customers, distributed, cluster=dask_cluster.scheduler_address)
    assert (report.rows, report.screened, report.with_hits) == (expected.rows, expected.screened, expected.with_hits)
    empty_names = sum(1 for i in range(1500) if not NAMES[i % len(NAMES)])
    assert report.errors == expected.errors and len(report.errors) == empty_names
    rows = _rows(distributed)
    assert rows == _rows(plain)
    assert [row["id"] for row in rows] == [f"C{i}" for i in range(1500)]
    assert any(row["hits"] for row in rows) and any(row["status"] == "no hits" for row in rows)


def test_a_worker_lost_mid_run_loses_and_duplicates_no_row(screener: Screener, customers: Path,
                                                           dask_cluster: LocalCluster, tmp_path: Path) -> None:
    plain, distributed = tmp_path / "plain.jsonl", tmp_path / "dask.jsonl"
    screen_file(screener, customers, plain, workers=1)
    with Client(dask_cluster) as client:
        pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    killed = threading.Event()

    def kill_after_first_partition(rows: int) -> None:
        if not killed.is_set():
            killed.set()
            os.kill(victim, signal.SIGKILL)  # the nanny starts a new worker; its partitions run again elsewhere

    report = screen_file(screener, customers, distributed, cluster=dask_cluster.scheduler_address,
                         progress=kill_after_first_partition)
    assert killed.is_set()
    assert report.rows == 1500
    assert _rows(distributed) == _rows(plain)


def test_parquet_input_reads_as_the_csv(screener: Screener, customers: Path, tmp_path: Path) -> None:
    table = pa.table({"id": [f"C{i}" for i in range(60)], "name": [NAMES[i % len(NAMES)] for i in range(60)]})
    parquet, csv_file = tmp_path / "customers.parquet", tmp_path / "customers.csv"
    pq.write_table(table, parquet, row_group_size=25)
    write_table(csv_file, ["id", "name"], zip(table["id"].to_pylist(), table["name"].to_pylist(), strict=True))
    screen_file(screener, parquet, tmp_path / "p.jsonl", workers=1)
    screen_file(screener, csv_file, tmp_path / "c.jsonl", workers=1)
    from_parquet, from_csv = _rows(tmp_path / "p.jsonl"), _rows(tmp_path / "c.jsonl")
    assert [str(row["error"]).replace(str(parquet), str(csv_file)) for row in from_parquet] == [
        str(row["error"]) for row in from_csv]  # the same errors, each naming its own file
    assert [{**row, "error": None} for row in from_parquet] == [{**row, "error": None} for row in from_csv]
    assert from_parquet[-1]["line"] == 61  # line 1 is the column names


def test_a_file_that_is_not_parquet_is_an_input_error(screener: Screener, tmp_path: Path) -> None:
    fake = tmp_path / "customers.parquet"
    fake.write_text("id,name\n1,Huawei\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable Parquet file") as caught:
        screen_file(screener, fake, tmp_path / "out.jsonl", workers=1)
    assert caught.value.path == str(fake)
    assert not (tmp_path / "out.jsonl").exists()


def test_an_unreachable_scheduler_is_an_input_error(monkeypatch: pytest.MonkeyPatch, screener: Screener,
                                                    customers: Path, tmp_path: Path) -> None:
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", "2s")  # a closed loopback port: nothing ever answers
    with pytest.raises(InputError, match=r"cannot reach the Dask scheduler at .tcp://127\.0\.0\.1:9"):
        screen_file(screener, customers, tmp_path / "out.jsonl", cluster="tcp://127.0.0.1:9")
    assert not (tmp_path / "out.jsonl").exists()


def test_the_command_on_a_local_cluster_writes_what_the_plain_command_writes(kizuna_home: Path, tmp_path: Path
                                                                              ) -> None:
    source = tmp_path / "customers.csv"
    write_table(source, ["id", "name"], ([f"C{i}", NAMES[i % len(NAMES)]] for i in range(300)))
    plain = kizuna("screen-file", str(source), "-o", str(tmp_path / "plain.jsonl"), home=kizuna_home, check=False)
    run = kizuna("screen-file", str(source), "-o", str(tmp_path / "dask.jsonl"), "--dask", "local:2",
                 home=kizuna_home, check=False)
    assert run.returncode == plain.returncode == 2  # the empty names are reported as not screened
    assert _rows(tmp_path / "dask.jsonl") == _rows(tmp_path / "plain.jsonl")
    both = kizuna("screen-file", str(source), "-o", str(tmp_path / "x.jsonl"), "--dask", "local:2", "--workers", "2",
                  home=kizuna_home, check=False)
    assert both.returncode == 2 and "a Dask cluster has its own workers" in both.stderr
    assert not (tmp_path / "x.jsonl").exists()
