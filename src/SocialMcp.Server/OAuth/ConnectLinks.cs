using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Server.OAuth;

/// <summary>What a signed connect link stands for: connect this platform into this set of this workspace.</summary>
public sealed record ConnectLinkPayload(string WorkspaceId, Platform Platform, string? PlatformSetId, string? PlatformSetName);

/// <summary>Why a link or a choice token could not be opened.</summary>
public enum SignedTokenFault { None, Invalid, Expired }

/// <summary>
/// Signed, short-lived tokens for the browser side of a connect, where there is no API key: the connect link
/// (<c>/oauth/connect/{link}</c>: workspace, platform, set) and the choice token of the callback page's form (connection
/// id + workspace). Data Protection (the key ring that protects platform tokens) encrypts and authenticates them; the
/// expiry travels inside and is judged by the injected <see cref="TimeProvider"/>, like <see cref="Mcp.RequestStateProtector"/>,
/// so a link expires on the same clock as the connect state it leads to. Also the server's <see cref="IReconnectLinks"/>.
/// </summary>
public sealed class ConnectLinks(IDataProtectionProvider dataProtection, TimeProvider time, IOptions<OAuthOptions> options, IServiceProvider services)
    : IReconnectLinks
{
    public const string ConnectPath = "/oauth/connect/";
    public const string CallbackPath = "/oauth/callback/";
    public const string ChoosePath = "/oauth/choose";

    private readonly IDataProtector _links = dataProtection.CreateProtector("SocialMcp.OAuth.ConnectLink.v1");
    private readonly IDataProtector _choices = dataProtection.CreateProtector("SocialMcp.OAuth.Choice.v1");

    public Uri? PublicBaseUrl => options.Value.PublicBaseUrl;

    public TimeSpan Lifetime => options.Value.StateLifetime;

    /// <summary>The signed link, or null when <c>OAuth:PublicBaseUrl</c> is not set (there is nowhere to serve it).</summary>
    public Uri? LinkFor(ConnectLinkPayload payload) =>
        PublicBaseUrl is { } root ? Under(root, ConnectPath + Protect(payload)) : null;

    public string Protect(ConnectLinkPayload payload)
    {
        var sealedLink = new SealedLink(payload.WorkspaceId, payload.Platform.ToWireName(), payload.PlatformSetId, payload.PlatformSetName, time.GetUtcNow() + Lifetime);
        return _links.Protect(JsonSerializer.Serialize(sealedLink, LinkJson.Default.SealedLink));
    }

    public (ConnectLinkPayload? Payload, SignedTokenFault Fault) Open(string link)
    {
        var opened = Unprotect(_links, link, LinkJson.Default.SealedLink);
        if (opened is null || !PlatformNames.TryParse(opened.Platform, out var platform))
            return (null, SignedTokenFault.Invalid);
        if (time.GetUtcNow() >= opened.ExpiresAt)
            return (null, SignedTokenFault.Expired);
        return (new ConnectLinkPayload(opened.WorkspaceId, platform.Value, opened.PlatformSetId, opened.PlatformSetName), SignedTokenFault.None);
    }

    /// <summary>The token the choice form posts back: only this connection of this workspace, for the state's lifetime.</summary>
    public string ProtectChoice(string workspaceId, string connectionId) =>
        _choices.Protect(JsonSerializer.Serialize(new SealedChoice(workspaceId, connectionId, time.GetUtcNow() + Lifetime), LinkJson.Default.SealedChoice));

    public (string? WorkspaceId, string? ConnectionId, SignedTokenFault Fault) OpenChoice(string token)
    {
        var opened = Unprotect(_choices, token, LinkJson.Default.SealedChoice);
        if (opened is null)
            return (null, null, SignedTokenFault.Invalid);
        if (time.GetUtcNow() >= opened.ExpiresAt)
            return (null, null, SignedTokenFault.Expired);
        return (opened.WorkspaceId, opened.ConnectionId, SignedTokenFault.None);
    }

    /// <summary>
    /// A fresh connect link for the account's platform and set; renewing the same identity there keeps its history.
    /// Null for sandbox accounts, without a public base URL, or when the platform has no app credentials.
    /// </summary>
    public Uri? ReconnectUrlFor(Account account)
    {
        if (account.IsSandbox || PublicBaseUrl is null)
            return null;
        // IPlatformOAuth comes with the platform adapters; a host without it cannot connect anything.
        if (services.GetService<IPlatformOAuth>() is not { } oauth || !oauth.IsConfigured(account.Platform))
            return null;
        return LinkFor(new ConnectLinkPayload(account.WorkspaceId, account.Platform, account.PlatformSetId, null));
    }

    /// <summary>Where the platform sends the person back for a connect that started from a link or the tool.</summary>
    public Uri? CallbackFor(Platform platform) =>
        PublicBaseUrl is { } root ? Under(root, CallbackPath + platform.ToWireName()) : null;

    /// <summary>A path under the base URL, keeping the base's own path (a server behind a proxy at /social/).</summary>
    internal static Uri Under(Uri root, string path) => new(root.AbsoluteUri.TrimEnd('/') + path);

    private static T? Unprotect<T>(IDataProtector protector, string token, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(protector.Unprotect(token), type);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }
}

internal sealed record SealedLink(string WorkspaceId, string Platform, string? PlatformSetId, string? PlatformSetName, DateTimeOffset ExpiresAt);

internal sealed record SealedChoice(string WorkspaceId, string ConnectionId, DateTimeOffset ExpiresAt);

[JsonSerializable(typeof(SealedLink))]
[JsonSerializable(typeof(SealedChoice))]
internal sealed partial class LinkJson : JsonSerializerContext;
