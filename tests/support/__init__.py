"""Helpers shared by the test suites and the benchmarks (not test modules).

``ports``      a free loopback port
``servers``    the production server (``reflex run --env prod``) and its environment
``factories``  rows and campaigns a service test starts from
``pages``      what a browser test does on the app's pages (Playwright)
"""
