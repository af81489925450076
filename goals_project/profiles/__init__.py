"""Settings profiles: ``development``, ``testing`` and ``production``, all built on ``base``."""
