using System.Security.Cryptography;
using System.Text;

namespace SocialMcp.Emulator.OAuth;

/// <summary>RFC 7636 verification, with TikTok's hex-encoded S256 (docs/platforms.md#tiktok-auth-and-tokens).</summary>
public static class Pkce
{
    /// <summary>The S256 challenge of a verifier: base64url(SHA-256), or lower-case hex(SHA-256) when <paramref name="hex"/>.</summary>
    public static string S256(string verifier, bool hex = false)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(verifier));
        return hex ? Convert.ToHexStringLower(hash) : Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Whether the verifier answers the challenge made with the method (S256 or plain).</summary>
    public static bool Verify(string challenge, string method, string? verifier, bool hex)
    {
        // RFC 7636 §4.1: 43–128 unreserved characters.
        if (verifier is null || verifier.Length is < 43 or > 128 || !verifier.All(IsUnreserved))
            return false;
        var expected = method == "S256" ? S256(verifier, hex) : verifier;
        if (hex && method == "S256")
            challenge = challenge.ToLowerInvariant();
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(challenge));
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
