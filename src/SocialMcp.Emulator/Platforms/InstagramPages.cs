using Microsoft.AspNetCore.Http;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator.Platforms;

/// <summary>
/// Instagram through Facebook Login (docs/emulator.md#identities): the user's Pages and the Instagram business account
/// behind each, at <c>/instagram/me/accounts</c> and <c>/instagram/{page-id}?fields=instagram_business_account</c>, as the
/// Graph API answers them under the adapter's graph.facebook.com root.
/// </summary>
internal static class InstagramPages
{
    /// <summary>The Page a Facebook Login token's user manages, or null when the id is not one of them.</summary>
    public static IResult? Lookup(EmulatorState state, EmulatorToken token, string id, IReadOnlySet<string> fields)
    {
        if (state.OAuth.UserOf(Platform.Instagram, token.Token)?.SubAccounts.FirstOrDefault(p => p.Id == id) is not { } page)
            return null;
        var values = new Dictionary<string, object?> { ["id"] = page.Id };
        if (fields.Contains("name"))
            values["name"] = page.Name;
        if (fields.Any(f => f.StartsWith("instagram_business_account", StringComparison.Ordinal)))
            values["instagram_business_account"] = new { id = page.InstagramAccountId, username = page.InstagramUsername };
        return GraphEmulation.Ok(values);
    }

    /// <summary><c>GET me/accounts</c>: each Page with a token that stands for the Instagram account behind it.</summary>
    public static async Task<IResult> AccountsAsync(HttpContext http, EmulatorState state)
    {
        var parameters = await GraphEmulation.ReadParametersAsync(http.Request);
        if (state.Authenticate(Platform.Instagram, GraphEmulation.TokenOf(http, parameters)) is not { } token)
            return GraphEmulation.InvalidToken();
        var pages = state.OAuth.PageTokens(Platform.Instagram, token.Token);
        return GraphEmulation.Ok(new
        {
            data = pages.Select(p => new
            {
                id = p.Page.Id,
                name = p.Page.Name,
                access_token = p.Token.Token,
                instagram_business_account = new { id = p.Page.InstagramAccountId, username = p.Page.InstagramUsername },
            }).ToList(),
        });
    }
}
