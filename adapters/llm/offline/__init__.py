"""The built-in offline model: no key, no network, deterministic."""

from adapters.llm.offline.model import OfflineModel

__all__ = ["OfflineModel"]
