using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Media;
using SocialMcp.Server.OAuth;

namespace SocialMcp.Server.Media;

/// <summary>
/// Signed, expiring media URLs <c>{Media:PublicBaseUrl}/media/s/{token}</c> for the platforms that pull media by URL.
/// The token is made like the connect links (<see cref="ConnectLinks"/>): Data Protection, with the key ring that protects
/// platform tokens, seals (workspace id, media id, expiry) under its own purpose string; its authenticated encryption
/// (AES-256-CBC + HMAC-SHA256, compared in constant time) rejects any altered byte, and its output is URL-safe base64.
/// The expiry travels inside and is judged by the caller's clock, so a tampered and an expired token look alike to the
/// endpoint (both 403). Lives in the server because the server answers the URL.
/// </summary>
public sealed class MediaUrlSigner(IDataProtectionProvider dataProtection, IOptions<MediaOptions> options) : IMediaUrlSigner
{
    public const string SignedPath = "/media/s/";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("SocialMcp.Media.SignedUrl.v1");

    private Uri? PublicBaseUrl =>
        options.Value.PublicBaseUrl is { Length: > 0 } configured && Uri.TryCreate(configured, UriKind.Absolute, out var root) ? root : null;

    public bool IsAvailable => PublicBaseUrl is not null;

    public Uri? CreateUrl(MediaAsset asset, DateTimeOffset expiresAt)
    {
        if (PublicBaseUrl is not { } root)
            return null;
        var token = _protector.Protect(JsonSerializer.Serialize(new SealedMediaUrl(asset.WorkspaceId, asset.Id, expiresAt), MediaUrlJson.Default.SealedMediaUrl));
        return ConnectLinks.Under(root, SignedPath + token);
    }

    public (string WorkspaceId, string MediaId)? Verify(string token, DateTimeOffset now)
    {
        SealedMediaUrl? opened;
        try
        {
            opened = JsonSerializer.Deserialize(_protector.Unprotect(token), MediaUrlJson.Default.SealedMediaUrl);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
        if (opened is null || now >= opened.ExpiresAt)
            return null;
        return (opened.WorkspaceId, opened.MediaId);
    }
}

internal sealed record SealedMediaUrl(string WorkspaceId, string MediaId, DateTimeOffset ExpiresAt);

[JsonSerializable(typeof(SealedMediaUrl))]
internal sealed partial class MediaUrlJson : JsonSerializerContext;
