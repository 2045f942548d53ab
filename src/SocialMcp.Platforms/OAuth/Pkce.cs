using System.Security.Cryptography;
using System.Text;

namespace SocialMcp.Platforms.OAuth;

/// <summary>The PKCE challenge for a verifier, in the form the platform wants (docs/platforms.md#oauth).</summary>
public static class Pkce
{
    public const string Method = "S256";

    public static string Challenge(PkceKind kind, string codeVerifier)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(codeVerifier));
        return kind switch
        {
            PkceKind.S256 => Base64Url(hash),
            // TikTok's desktop flow hashes the same way but writes the digest as hex (docs/platforms.md#tiktok-oauth).
            PkceKind.HexS256 => Convert.ToHexStringLower(hash),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "This platform takes no PKCE."),
        };
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
