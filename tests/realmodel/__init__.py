"""An opt-in check of the openai (Agents SDK) path against a real OpenAI-compatible model.

    python -m tests.realmodel --url http://127.0.0.1:8091/v1 --model qwen2.5-coder-1.5b
    REAL_MODEL_URL=http://127.0.0.1:8091/v1 pytest tests/realmodel -m realmodel

An instrument, never a CI dependency: it is outside the suite's testpaths, and its pytest
test is skipped unless REAL_MODEL_URL is set.
"""
