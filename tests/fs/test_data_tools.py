"""pandas, pyarrow, universal-pathlib and DuckDB reading and writing ``b2://`` (the registered filesystem)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

FRAME = pd.DataFrame({"city": ["Oslo", "Lima", "Pune", "Oslo"], "temp": [3.5, 19.0, 31.2, -1.0]})


def test_pandas_csv_round_trip(storage_options, bucket):
    url = f"b2://{bucket}/tables/weather.csv"
    FRAME.to_csv(url, index=False, storage_options=storage_options)
    back = pd.read_csv(url, storage_options=storage_options)
    pd.testing.assert_frame_equal(back, FRAME)


def test_pandas_parquet_round_trip(storage_options, bucket):
    url = f"b2://{bucket}/tables/weather.parquet"
    FRAME.to_parquet(url, storage_options=storage_options)
    back = pd.read_parquet(url, storage_options=storage_options)
    pd.testing.assert_frame_equal(back, FRAME)


def test_pyarrow_dataset_reads_a_partitioned_directory(b2fs, bucket):
    for year, rows in ((2024, [1, 2]), (2025, [3, 4, 5])):
        for part, value in enumerate(rows):
            table = pa.table({"value": [value], "label": [f"r{value}"]})
            with b2fs.open(f"{bucket}/events/year={year}/part-{part}.parquet", "wb") as f:
                pq.write_table(table, f)
    dataset = ds.dataset(f"{bucket}/events", filesystem=b2fs, format="parquet", partitioning="hive")
    table = dataset.to_table(filter=ds.field("year") == 2025).sort_by("value")
    assert table.column("value").to_pylist() == [3, 4, 5]
    assert sorted(dataset.to_table().column("year").to_pylist()) == [2024, 2024, 2025, 2025, 2025]


@pytest.mark.filterwarnings("ignore:UPath 'b2' filesystem not explicitly implemented")
def test_universal_pathlib_on_b2_urls(storage_options, bucket):
    upath = pytest.importorskip("upath")
    root = upath.UPath(f"b2://{bucket}/x", **storage_options)
    (root / "notes.txt").write_text("hello from upath")
    (root / "sub" / "deep.bin").write_bytes(b"\x01\x02")
    assert (root / "notes.txt").read_text() == "hello from upath"
    assert (root / "notes.txt").exists() and (root / "sub").is_dir()
    assert sorted(p.name for p in root.iterdir()) == ["notes.txt", "sub"]
    assert [p.name for p in root.glob("**/*.bin")] == ["deep.bin"]
    assert (root / "notes.txt").stat().st_size == len("hello from upath")


def test_duckdb_reads_parquet_through_the_registered_filesystem(b2fs, bucket):
    duckdb = pytest.importorskip("duckdb")
    FRAME.to_parquet(f"b2://{bucket}/duck/weather.parquet", storage_options=b2fs.storage_options)
    connection = duckdb.connect()
    connection.register_filesystem(b2fs)
    query = (
        f"SELECT city, max(temp) FROM read_parquet('b2://{bucket}/duck/*.parquet') GROUP BY city ORDER BY 1"
    )
    rows = connection.sql(query).fetchall()
    assert rows == [("Lima", 19.0), ("Oslo", 3.5), ("Pune", 31.2)]
    connection.sql(f"COPY (SELECT 42 AS answer) TO 'b2://{bucket}/duck/out.csv' (HEADER)")
    assert b2fs.cat_file(f"{bucket}/duck/out.csv").split() == [b"answer", b"42"]
    connection.close()
