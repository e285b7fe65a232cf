"""Stage 2, the six-month review: its operations and rules, its due dates, its pages, the sweep
that sends its prompts and the scheduler that runs the sweep.

Its pages are views of the `pledges` blueprint (`pledges.review.routes`), registered when the
`pledges` package is imported.
"""
