"""One-line error reporting of CLI commands."""

import click
from click.testing import CliRunner

from b2kit.cli._errors import B2kitGroup, describe_error


def test_os_error_is_described_with_its_file():
    err = FileNotFoundError(2, "No such file or directory", "/x/y")
    assert describe_error(err) == "No such file or directory: /x/y"


def test_multi_line_messages_become_one_line():
    assert describe_error(ValueError("a\n  b")) == "a b"


@click.group(cls=B2kitGroup)
@click.option("--debug", is_flag=True)
def app(debug):
    pass


@app.command()
def boom():
    raise RuntimeError("it broke")


def test_failure_prints_one_line_and_exits_1():
    result = CliRunner().invoke(app, ["boom"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: it broke"


def test_debug_lets_the_traceback_through():
    result = CliRunner().invoke(app, ["--debug", "boom"])
    assert isinstance(result.exception, RuntimeError)
