using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.OAuth;

/// <summary>
/// The failure switches over HTTP, for an emulator running in another process (<c>socialmcp emulator</c>): under
/// <c>/_emulator/oauth/{platform}/</c>, outside every platform's root, on the loopback-only listener (docs/emulator.md#switches).
/// </summary>
public static class OAuthControl
{
    public const string Root = "_emulator/oauth";

    public static void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        var group = routes.MapGroup("/" + Root + "/{platform}");
        group.MapPost("revoke-grants", (string platform) => With(platform, p => Counted("revoked", state.OAuth.RevokeGrants(p))));
        group.MapPost("fail-refreshes", (string platform, int? count) => With(platform, p =>
        {
            state.OAuth.FailNextRefreshes(p, count ?? 1);
            return Results.NoContent();
        }));
        group.MapPost("decline", (string platform, bool? on) => With(platform, p =>
        {
            state.OAuth.DeclineConsent(on ?? true, p);
            return Results.NoContent();
        }));
        group.MapPost("access-token-lifetime", (string platform, string value) => With(platform, p =>
        {
            state.OAuth.SetAccessTokenLifetime(OAuthSwitches.ParseDuration(value), p);
            return Results.NoContent();
        }));
        group.MapGet("token-calls", (string platform, string grantType) => With(platform, p => Counted("calls", state.OAuth.TokenCalls(p, grantType))));
    }

    private static IResult With(string name, Func<Platform, IResult> act)
    {
        if (!PlatformNames.TryParse(name, out var platform))
            return Results.NotFound();
        try
        {
            return act(platform.Value);
        }
        catch (FormatException ex)
        {
            return Results.BadRequest(new JsonObject { ["error"] = ex.Message });
        }
    }

    private static IResult Counted(string name, int count) => Results.Json(new JsonObject { [name] = count });
}
