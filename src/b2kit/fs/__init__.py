"""``b2://`` for the Python data tools: an fsspec filesystem over the b2kit SDK.

Installed with ``pip install b2kit[fsspec]``; the ``fsspec.specs`` entry point registers protocol ``b2``, so
``fsspec.filesystem("b2")``, ``fsspec.open("b2://bucket/key")`` and ``pandas.read_csv("b2://...")`` find it.
"""

from b2kit.fs._file import B2File
from b2kit.fs._filesystem import B2FileSystem

__all__ = ["B2File", "B2FileSystem"]
