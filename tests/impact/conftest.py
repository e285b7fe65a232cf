"""The library tests' organisation in another district serves the impact tests too."""

from tests.library.conftest import elsewhere  # noqa: F401  (a fixture)
