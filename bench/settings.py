"""Settings for the benchmark server: the production settings plus a bare view as the floor."""

from ethicskit.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The load generator is one client hammering from one address; throttles would measure
# themselves, not the pages.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
# Collected apart from the usual STATIC_ROOT: WhiteNoise scans that folder whenever a handler
# starts, which would slow every test client down after a benchmark run.
STATIC_ROOT = BASE_DIR / ".data" / "bench-static"  # noqa: F405
