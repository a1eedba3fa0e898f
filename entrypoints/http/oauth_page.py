"""The sign-in and consent page an MCP client sends the browser to.

Plain HTML with the web chat's stylesheet: no script at all, no inline style, so the
strict CSP holds. Only ``form-action`` is widened, to the client's redirect origin: a
browser applies it to the redirect that follows the form, and the answer goes there.
"""

from __future__ import annotations

from html import escape
from string import Template

from adapters.security.oauth_provider import PendingAuthorization
from application.oauth import SCOPE_READ, SCOPE_WRITE
from entrypoints.http.edge import STRICT_CSP

SCOPE_TEXT = {
    SCOPE_READ: "See your tasks",
    SCOPE_WRITE: "Add, change, complete and delete your tasks",
}

PAGE = Template("""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light dark">
  <meta name="referrer" content="no-referrer">
  <title>Sign in to connect $client – todo-chat</title>
  <link rel="icon" href="/icons/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/app.css">
  <link rel="stylesheet" href="/consent.css">
</head>
<body>
  <header class="topbar">
    <h1 class="brand"><img src="/icons/favicon.svg" alt="" width="24" height="24"> todo-chat</h1>
  </header>
  <main class="auth">
    <div class="auth-card">
      <h2>Connect $client</h2>
      <p class="muted"><strong>$client</strong> wants to use your todo-chat tasks.
        After you allow it, you go back to <code>$redirect_host</code>.</p>
      $error
      <form class="stack" method="post" action="/oauth/consent">
        <input type="hidden" name="request" value="$request">
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" value="$email" required>
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <fieldset class="consent-scopes">
          <legend>It will be able to</legend>
          $scopes
        </fieldset>
        <div class="consent-actions">
          <button type="submit" name="action" value="allow" class="button-primary">Sign in and allow</button>
          <button type="submit" name="action" value="deny" class="button-quiet" formnovalidate>Deny</button>
        </div>
      </form>
    </div>
  </main>
</body>
</html>
""")

FAILED = Template("""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign-in request not valid – todo-chat</title>
  <link rel="stylesheet" href="/app.css">
</head>
<body>
  <main class="auth">
    <div class="auth-card">
      <h2>This sign-in cannot continue</h2>
      <p class="form-error" role="alert">$message</p>
    </div>
  </main>
</body>
</html>
""")


def _scope_rows(pending: PendingAuthorization) -> str:
    rows = []
    for scope in pending.scopes:
        text = escape(SCOPE_TEXT.get(scope, scope))
        if scope == SCOPE_READ:
            # Reading is what any connection is for; it is granted with the consent itself.
            rows.append(
                f'<label class="consent-scope"><input type="checkbox" checked disabled> {text}'
                f'<input type="hidden" name="scope" value="{escape(scope)}"></label>'
            )
        else:
            rows.append(
                f'<label class="consent-scope"><input type="checkbox" name="scope" value="{escape(scope)}" checked>'
                f" {text}</label>"
            )
    return "\n          ".join(rows)


def consent_page(pending: PendingAuthorization, request: str, *, email: str = "", error: str | None = None) -> str:
    return PAGE.substitute(
        client=escape(pending.client_name),
        redirect_host=escape(pending.redirect_origin),
        request=escape(request),
        email=escape(email),
        scopes=_scope_rows(pending),
        error=f'<p class="form-error" role="alert">{escape(error)}</p>' if error else "",
    )


def failure_page(message: str) -> str:
    return FAILED.substitute(message=escape(message))


def consent_csp(pending: PendingAuthorization) -> str:
    """The strict CSP, with the client's redirect origin as a place a form may lead."""
    origin = pending.redirect_origin.replace(";", "").replace(" ", "").replace(",", "")
    return STRICT_CSP.replace("form-action 'self'", f"form-action 'self' {origin}")
