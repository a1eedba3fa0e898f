"""Language model adapters: the built-in offline interpreter and the OpenAI Agents SDK."""
