"""A newcomer's first hour: messages that said internal names, and the smaller file-command gaps."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from b2kit import B2Api, InMemoryAccountInfo
from b2kit.server import FaultRule


def _sdk(server) -> B2Api:
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(server.realm, server.key_id, server.key)
    return api


def test_newer_destination_names_the_flags_and_readable_times(run, bucket_name, authorized, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("old")
    os.utime(src / "a.txt", (1_600_000_000, 1_600_000_000))
    _sdk(authorized).get_bucket_by_name(bucket_name).upload_bytes(
        b"new", "a.txt", file_info={"src_last_modified_millis": "1700000000000"}
    )
    result = run("sync", "--no-progress", src, f"b2://{bucket_name}")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: destination file 'a.txt' (modified 2023-11-14 22:13:20 UTC) is newer than its source "
        "(modified 2020-09-13 12:26:40 UTC); use --skip-newer or --replace-newer\n"
    )


def test_empty_source_names_the_flag(run, bucket_name, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("sync", "--no-progress", tmp_path / "empty", f"b2://{bucket_name}")
    assert result.exit_code == 1
    assert "(--allow-empty-source allows it)" in result.stderr
    assert "allow_empty_source" not in result.stderr


def test_a_file_as_sync_source_is_called_a_file(run, bucket_name, tmp_path):
    hello = tmp_path / "hello.txt"
    hello.write_text("hi")
    result = run("sync", "--no-progress", hello, f"b2://{bucket_name}/x")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {hello} is a file; sync works on folders (one file goes up with: "
        f"b2kit file upload BUCKET {hello} NAME)\n"
    )


def test_a_missing_file_reads_the_same_from_every_command(run, bucket_name):
    expected = f"Error: File not present: {bucket_name}/nope (HTTP 404 not_found)\n"
    for args in (
        ("file", "info", f"b2://{bucket_name}/nope"),
        ("file", "cat", f"b2://{bucket_name}/nope"),
        ("rm", f"b2://{bucket_name}/nope"),
        ("file", "copy", f"b2://{bucket_name}/nope", f"b2://{bucket_name}/copy"),
    ):
        result = run(*args)
        assert (result.exit_code, result.stderr) == (1, expected), args


def test_upload_takes_the_b2_uri_form_of_the_bucket(run_ok, run, bucket_name, tmp_path):
    local = tmp_path / "x.txt"
    local.write_text("x")
    run_ok("file", "upload", "--no-progress", f"b2://{bucket_name}", local, "x.txt")
    run_ok("file", "upload", "--no-progress", f"b2://{bucket_name}/", local, "y.txt")
    assert run_ok("file", "cat", f"b2://{bucket_name}/y.txt").stdout == "x"
    refused = run("file", "upload", f"b2://{bucket_name}/dir/x.txt", local, "x.txt")
    assert refused.exit_code == 2
    assert "give the bucket only" in refused.stderr


def test_download_into_a_missing_directory_names_it_not_a_temp_file(run, run_ok, bucket_name, tmp_path):
    local = tmp_path / "x.txt"
    local.write_text("x")
    run_ok("file", "upload", bucket_name, local, "x.txt")
    target = tmp_path / "missing" / "x.txt"
    result = run("file", "download", f"b2://{bucket_name}/x.txt", target)
    assert result.exit_code == 1
    assert result.stderr == f"Error: No such file or directory: {target}\n"
    assert "partial" not in result.stderr
    into_missing_folder = run("file", "download", f"b2://{bucket_name}/x.txt", f"{tmp_path}/nothere/")
    assert into_missing_folder.stderr == f"Error: folder {tmp_path}/nothere/ does not exist\n"


def test_download_into_a_folder_keeps_the_name(run_ok, bucket_name, tmp_path):
    local = tmp_path / "x.txt"
    local.write_text("payload")
    run_ok("file", "upload", bucket_name, local, "dir/x.txt")
    into = tmp_path / "into"
    into.mkdir()
    run_ok("file", "download", f"b2://{bucket_name}/dir/x.txt", into)
    run_ok("file", "download", f"b2://{bucket_name}/dir/x.txt", f"{tmp_path}/")
    assert (into / "x.txt").read_text() == "payload"
    assert (tmp_path / "x.txt").read_text() == "payload"


def test_upload_from_standard_input(run_ok, bucket_name):
    data = os.urandom(2_300_000)  # more than the test server's recommended part size: goes up in parts
    run_ok("file", "upload", bucket_name, "-", "stdin.bin", input=data)
    assert run_ok("file", "cat", f"b2://{bucket_name}/stdin.bin").stdout_bytes == data


def test_piped_output_closed_early_is_quiet(b2kit_process, server, tmp_path):
    b2kit_process("account", "authorize", "--realm", server.realm, server.key_id, server.key)
    api = _sdk(server)
    bucket = api.create_bucket("pipe-bucket", "allPrivate")
    bucket.upload_bytes(os.urandom(3_000_000), "big.bin")
    for i in range(300):
        bucket.upload_bytes(b"x", f"many/{i:04}")
    script = Path(sys.executable).with_name("b2kit")
    for args in (["ls", "-r", "b2://pipe-bucket/many/"], ["file", "cat", "b2://pipe-bucket/big.bin"]):
        shell = f"{script} {' '.join(args)} | head -c 10 > /dev/null; echo ${{PIPESTATUS[0]}} >&2"
        done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=60, check=False)
        assert done.stderr == "0\n", (args, done.stderr)


def test_debug_works_after_the_subcommand(b2kit_process, server):
    b2kit_process("account", "authorize", "--realm", server.realm, server.key_id, server.key)
    result = b2kit_process("bucket", "get", "no-such-bucket", "--debug")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_file_update_sets_legal_hold_and_retention(run_ok, run_json, authorized, tmp_path):
    api = _sdk(authorized)
    bucket = api.create_bucket("locked-bucket", "allPrivate", is_file_lock_enabled=True)
    version = bucket.upload_bytes(b"keep", "keep.txt")
    uri = "b2://locked-bucket/keep.txt"
    assert run_json("file", "update", "--legal-hold", "on", uri, "--json")["legalHold"] == "on"
    until = int(time.time() * 1000) + 86_400_000
    updated = run_json(
        "file", "update", "--file-retention-mode", "governance", "--retain-until", until, uri, "--json"
    )
    assert updated["fileRetention"] == {"mode": "governance", "retainUntilTimestamp": until}
    by_id = f"b2id://{version.id_}"
    cleared = run_json("file", "update", "--legal-hold", "off", by_id, "--json")
    assert cleared["legalHold"] == "off"
    stored = bucket.get_file_info_by_id(version.id_)
    assert (stored.legal_hold, stored.file_retention.retain_until) == ("off", until)


def test_interrupted_large_upload_says_parts_are_kept_and_resumes(server, b2kit_process, tmp_path):
    b2kit_process("account", "authorize", "--realm", server.realm, server.key_id, server.key)
    api = _sdk(server)
    bucket = api.create_bucket("resume-bucket", "allPrivate")
    big = tmp_path / "big.bin"
    # 40 parts of the test server's 1 MB, 10 at a time, each answered 0.5 s late: when the first part is
    # stored, three more rounds of parts are still to go
    big.write_bytes(os.urandom(40_000_000))
    server.faults.add(FaultRule("b2_upload_part", fault="latency", delay_seconds=0.5, times=1000))
    script = Path(sys.executable).with_name("b2kit")
    proc = subprocess.Popen(
        [str(script), "file", "upload", "--no-progress", "resume-bucket", str(big), "big.bin"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while proc.poll() is None and not _parts_kept(api, bucket):
        time.sleep(0.02)  # wait for the first stored part, not for a duration
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    (unfinished,) = list(bucket.list_unfinished_large_files())
    said = re.fullmatch(
        r"Error: interrupted; (\d+) part\(s\) of big\.bin are kept on the server: run the same command "
        r"again to resume, or cancel with: b2kit file large unfinished cancel b2id://(\S+)\n",
        err,
    )
    assert said is not None, err
    # parts already on their way when Ctrl-C came may still land after the message
    assert 1 <= int(said[1]) <= len(list(api.list_parts(unfinished.file_id)))
    assert said[2] == unfinished.file_id
    server.faults.clear()
    again = b2kit_process("file", "upload", "--no-progress", "resume-bucket", big, "big.bin")
    assert again.returncode == 0, again.stderr
    assert list(bucket.list_unfinished_large_files()) == []
    with bucket.download_file_by_name("big.bin") as downloaded:
        assert downloaded.read() == big.read_bytes()


def _parts_kept(api: B2Api, bucket) -> bool:
    return any(list(api.list_parts(f.file_id)) for f in bucket.list_unfinished_large_files())


def test_interrupted_sync_up_says_large_files_keep_their_parts(server, b2kit_process, tmp_path):
    b2kit_process("account", "authorize", "--realm", server.realm, server.key_id, server.key)
    api = _sdk(server)
    bucket = api.create_bucket("sync-resume", "allPrivate")
    src = tmp_path / "src"
    src.mkdir()
    (src / "big.bin").write_bytes(os.urandom(40_000_000))  # 40 parts, 10 at a time, each 0.5 s late
    server.faults.add(FaultRule("b2_upload_part", fault="latency", delay_seconds=0.5, times=1000))
    script = Path(sys.executable).with_name("b2kit")
    proc = subprocess.Popen(
        [str(script), "sync", "--no-progress", str(src), "b2://sync-resume/up"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while proc.poll() is None and not _parts_kept(api, bucket):
        time.sleep(0.02)  # wait for the first stored part, not for a duration
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    said = re.search(
        r"; 1 unfinished large file\(s\) keep (\d+) part\(s\) on the server: run the same sync again to "
        r"resume, or cancel with: b2kit file large unfinished cancel b2://sync-resume/up\n",
        err,
    )
    assert said is not None, err
    assert int(said[1]) >= 1
    server.faults.clear()
    again = b2kit_process("sync", "--no-progress", src, "b2://sync-resume/up")
    assert again.returncode == 0, again.stderr
    assert list(bucket.list_unfinished_large_files()) == []
