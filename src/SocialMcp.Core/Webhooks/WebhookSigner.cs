using System.Security.Cryptography;
using System.Text;

namespace SocialMcp.Core.Webhooks;

/// <summary>
/// Standard Webhooks signing: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), the key being the base64 after
/// <c>whsec_</c>. Several valid secrets (a rotation's overlap) give several signatures, space-separated. A few lines of our
/// own rather than the StandardWebhooks package: see docs/decisions.md ("Webhooks").
/// </summary>
public static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret: <c>whsec_</c> + base64 of 32 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>One <c>v1,…</c> signature of the message under <paramref name="secret"/>.</summary>
    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var content = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    /// <summary>The <c>webhook-signature</c> header value: one signature per secret, in the order given (newest first).</summary>
    public static string SignatureHeader(IEnumerable<string> secrets, string messageId, long timestamp, string body) =>
        string.Join(' ', secrets.Select(secret => Sign(secret, messageId, timestamp, body)));
}
