"""The MCP server: the task tools for any MCP client, over streamable HTTP and stdio."""

from adapters.mcp.auth import BearerVerifier, JwtTokenVerifier, user_of_access_token
from adapters.mcp.http import DEFAULT_ALLOWED_HOSTS, MCP_PATH, METADATA_PATH, McpHttp
from adapters.mcp.server import SERVER_NAME, build_mcp_server

__all__ = [
    "DEFAULT_ALLOWED_HOSTS",
    "MCP_PATH",
    "METADATA_PATH",
    "SERVER_NAME",
    "BearerVerifier",
    "JwtTokenVerifier",
    "McpHttp",
    "build_mcp_server",
    "user_of_access_token",
]
