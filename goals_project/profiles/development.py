from .base import *  # noqa: F403
from .base import database_config, env_bool

ENV = "development"
DEBUG = env_bool("DEBUG", True)
DATABASES = {"default": database_config(ENV)}
