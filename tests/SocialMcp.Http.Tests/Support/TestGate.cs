using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Server.Http;

namespace SocialMcp.Http.Tests.Support;

/// <summary>
/// Admission for tests: a key named "limited" is refused with 429 on every tools/call, with a recognisable body.
/// Authentication is <see cref="TestAuthenticationHandler"/>.
/// </summary>
public sealed class TestGate : IMcpRequestAdmission
{
    public const string DefaultKey = "key-a";
    public const string RejectedKey = "reject";
    public const string LimitedKey = "limited";

    /// <summary>Every admission asked for: (key, method, tool name).</summary>
    public ConcurrentQueue<(string Key, string Method, string? ToolName)> Admissions { get; } = new();

    public async ValueTask<bool> AdmitAsync(HttpContext context, ClaimsPrincipal caller, string method, string? toolName)
    {
        var key = caller.FindFirst(CallerClaims.KeyId)!.Value;
        Admissions.Enqueue((key, method, toolName));
        if (key == LimitedKey && method == "tools/call")
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "7";
            await context.Response.WriteAsync("test gate: slow down");
            return false;
        }
        return true;
    }
}

/// <summary>
/// The test authentication scheme: the bearer token is the caller's key id (no header means <see cref="TestGate.DefaultKey"/>);
/// "reject" is refused with 401 and a recognisable body.
/// </summary>
public sealed class TestAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    private string Key
    {
        get
        {
            var header = Request.Headers.Authorization.ToString();
            return header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : TestGate.DefaultKey;
        }
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Key == TestGate.RejectedKey)
            return Task.FromResult(AuthenticateResult.Fail("rejected"));
        // A key claim (and the name identifier the SDK binds sessions to) only: the tools then act as the local workspace.
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(CallerClaims.KeyId, Key), new Claim(ClaimTypes.NameIdentifier, Key)], SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"test\"";
        await Response.WriteAsync("test gate: unauthorized");
    }
}
