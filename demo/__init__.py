"""The demo county, for trying the app and for `make run`."""
