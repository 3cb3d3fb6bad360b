"""Progress listeners and the reporter that feeds them from many part threads."""

import io
import threading

from b2kit._transfer._progress import (
    DoNothingProgressListener,
    ProgressListenerForTest,
    ProgressReporter,
    SimpleProgressListener,
)


def test_reporter_announces_total_and_accumulates():
    listener = ProgressListenerForTest()
    reporter = ProgressReporter(listener, 10)
    reporter.add(4)
    reporter.add(6)
    reporter.close()
    assert listener.get_calls() == [
        "set_total_bytes(10)",
        "bytes_completed(4)",
        "bytes_completed(10)",
        "close()",
    ]


def test_reporter_closes_the_listener_once():
    listener = ProgressListenerForTest()
    reporter = ProgressReporter(listener, 1)
    reporter.close()
    reporter.close()
    assert listener.get_calls().count("close()") == 1


def test_a_retried_stream_does_not_move_progress_backwards_or_count_twice():
    listener = ProgressListenerForTest()
    reporter = ProgressReporter(listener, 100)
    stream = reporter.stream_progress()
    stream.advance(60)
    stream.restart()
    stream.advance(30)
    stream.advance(70)
    assert listener.completed_history == [60, 100]
    assert reporter.bytes_done == 100


def test_reports_from_many_threads_are_monotonic_and_add_up():
    listener = ProgressListenerForTest()
    reporter = ProgressReporter(listener, 8 * 1000)

    def work():
        stream = reporter.stream_progress()
        for _ in range(1000):
            stream.advance(1)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert listener.is_monotonic()
    assert listener.last_completed == 8000


def test_simple_listener_draws_percentages_and_ends_the_line():
    out = io.StringIO()
    with SimpleProgressListener("upload a.txt", stream=out) as listener:
        listener.set_total_bytes(200)
        listener.bytes_completed(100)
        listener.bytes_completed(101)  # same percentage: not redrawn
        listener.bytes_completed(200)
    text = out.getvalue()
    assert "upload a.txt:   0% 0 / 200 bytes" in text
    assert " 50% 100 / 200 bytes" in text
    assert "101" not in text
    assert text.endswith("100% 200 / 200 bytes\n")


def test_simple_listener_ignores_progress_after_close():
    out = io.StringIO()
    listener = SimpleProgressListener(stream=out)
    listener.set_total_bytes(10)
    listener.close()
    listener.bytes_completed(10)
    assert "100%" not in out.getvalue()


def test_do_nothing_listener_accepts_everything():
    listener = DoNothingProgressListener()
    listener.set_total_bytes(5)
    listener.bytes_completed(5)
    listener.close()
    assert listener.closed
