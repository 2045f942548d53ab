using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;

namespace SocialMcp.Server.Http;

/// <summary>
/// A request naming a session (<c>Mcp-Session-Id</c>) that is not one of the caller's live sessions is answered 404
/// "Session not found" before the SDK sees it: for a session that never existed or has ended, and also for another
/// key's session (the SDK would say 403, which tells the caller the id exists; we say not found, as for every other
/// object of another owner), and for DELETE, which the SDK answers 200 whatever the id. 2026-07-28 requests have no
/// sessions and pass untouched.
/// </summary>
internal sealed class McpSessionGuard(RequestDelegate next, McpHttpSessions sessions, IOptions<McpHttpOptions> options)
{
    private readonly bool _stateless = options.Value.EffectiveSessionMode == HttpServerSessionMode.Stateless;

    public Task InvokeAsync(HttpContext context)
    {
        var sessionId = context.Request.Headers["Mcp-Session-Id"].ToString();
        if (sessionId.Length == 0 || IsPerRequestRevision(context.Request.Headers["MCP-Protocol-Version"].ToString()))
            return next(context);
        // A stateless server maps no GET or DELETE: routing answers 405.
        if (_stateless && !HttpMethods.IsPost(context.Request.Method))
            return next(context);

        if (sessions.IsOwnedBy(sessionId, McpHttpTransportSetup.OwnerKey(context.User)))
            return next(context);

        return JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status404NotFound, JsonRpcHttpErrors.SessionNotFound,
            "Session not found: it ended, expired or never existed. Initialize a new session.");
    }

    // Revisions are ISO dates, so an ordinal comparison orders them; 2026-07-28 removed sessions.
    private static bool IsPerRequestRevision(string version) =>
        version.Length > 0 && string.CompareOrdinal(version, "2026-07-28") >= 0;
}
