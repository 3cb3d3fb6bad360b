"""Dask distributed: worker processes read a partitioned Parquet dataset from ``b2://`` and write one back.

This is the multi-machine path on one machine: the filesystem travels to the workers pickled (credentials,
no live connection), and every worker process authorizes and talks to the server by itself.
"""

from __future__ import annotations

import logging
import os

import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.mark.xdist_group("dask")
def test_two_worker_processes_read_and_write_parquet_on_b2(storage_options, b2fs, bucket, server):
    for region, values in (("north", [1, 2, 3]), ("south", [4, 5, 6])):
        for part in range(2):
            frame = pd.DataFrame({"value": [v + 10 * part for v in values]})
            frame.to_parquet(
                f"b2://{bucket}/in/region={region}/part-{part}.parquet", storage_options=storage_options
            )

    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        worker_pids = set(client.run(os.getpid).values())
        frame = dd.read_parquet(f"b2://{bucket}/in/", storage_options=storage_options)
        assert frame.npartitions == 4
        derived = frame[frame.value % 2 == 0].assign(square=frame.value**2)
        derived = derived.map_partitions(lambda part: part.assign(pid=os.getpid()))
        derived.to_parquet(f"b2://{bucket}/out/", storage_options=storage_options, write_index=False)
        logs = str(client.get_worker_logs()) + str(client.get_scheduler_logs())

    result = pd.read_parquet(f"b2://{bucket}/out/", storage_options=storage_options)
    assert sorted(result["value"]) == [2, 4, 6, 12, 14, 16]
    assert (result["square"] == result["value"] ** 2).all()
    assert set(result["pid"]) <= worker_pids and os.getpid() not in worker_pids
    assert len(worker_pids) == 2
    assert len(b2fs.find(f"{bucket}/out")) == 4
    assert server.key not in logs
