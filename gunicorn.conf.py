"""gunicorn's settings for the web workers. gunicorn reads this file from the directory it is
started in; the README's command names it (`-c gunicorn.conf.py`) so that it is read wherever
gunicorn starts. Workers, bind address and timeouts stay on the command line."""


def post_worker_init(worker):
    """After each worker loads the app: build what it builds anyway, then freeze it out of the
    garbage collector's full collections (core/worker_start.py says why)."""
    from core.worker_start import prepare_web_worker

    prepare_web_worker(worker.wsgi)
