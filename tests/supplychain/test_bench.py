"""The benchmark's generators and runs at a small size (its figures come from `kizuna bench supplychain`)."""

from __future__ import annotations

from pathlib import Path

from kizuna.supplychain import bench


def test_small_bench_finds_every_generated_covered_row(kizuna_home: Path, tmp_path: Path) -> None:
    result = bench.run(tmp_path, rows=400, components=600, baseline_rows=20, precision_rows=300, registry=False)
    assert result.counts["inventory findings"] == result.counts["inventory covered rows"] == 20
    assert result.counts["inventory reviews"] == 0
    assert result.counts["SBOM findings"] == result.counts["SBOM covered components"] == 3
    assert result.counts["precision false findings"] == 0 and result.counts["sample false findings"] == 0
    assert all(seconds >= 0 for seconds in result.cpu_seconds.values())
