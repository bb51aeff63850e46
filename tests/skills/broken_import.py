"""A skill module that fails to import (a missing dependency)."""

import botkit_this_dependency_is_not_installed  # noqa: F401
