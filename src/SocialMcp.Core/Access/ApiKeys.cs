using System.Security.Cryptography;
using System.Text;

namespace SocialMcp.Core.Access;

/// <summary>What a key may do. A tool names the scope it needs; a call outside the key's scopes is FORBIDDEN_SCOPE.</summary>
public static class Scopes
{
    public const string PostsRead = "posts:read";
    public const string PostsWrite = "posts:write";
    public const string PostsPublish = "posts:publish";
    public const string AccountsRead = "accounts:read";
    public const string AccountsWrite = "accounts:write";
    public const string WebhooksWrite = "webhooks:write";

    /// <summary>Approves or rejects what an agent asked for under Approvals:Required (approve_post, reject_post). Never in a default grant.</summary>
    public const string PostsApprove = "posts:approve";

    /// <summary>What a key or token gets when no scopes are named: everything an agent does, not <see cref="PostsApprove"/>.</summary>
    public static IReadOnlyList<string> All { get; } = [PostsRead, PostsWrite, PostsPublish, AccountsRead, AccountsWrite, WebhooksWrite];

    /// <summary>Every scope there is: <see cref="All"/> and <see cref="PostsApprove"/>, which must be asked for by name.</summary>
    public static IReadOnlyList<string> Known { get; } = [.. All, PostsApprove];
}

/// <summary>A stored API key: only the hash of its secret is kept.</summary>
public sealed record ApiKey
{
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }
    public required string SecretHash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsRevoked => RevokedAt is not null;

    /// <summary>What lists show instead of the key: enough to recognise it, useless to use it.</summary>
    public string DisplayPrefix => $"{ApiKeyFormat.Prefix}{Id}_…";
}

/// <summary>
/// Keys look like <c>smcp_live_{id}_{secret}</c>: the id finds the row, the 256-bit secret proves possession.
/// Secrets are random, so a plain SHA-256 is a sound hash; comparison is in constant time.
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "smcp_live_";

    public static (string Id, string Secret, string Plaintext) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (id, secret, $"{Prefix}{id}_{secret}");
    }

    public static bool TryParse(string? presented, out string id, out string secret)
    {
        id = secret = "";
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var rest = presented.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator <= 0 || separator == rest.Length - 1)
            return false;
        id = rest[..separator].ToString();
        secret = rest[(separator + 1)..].ToString();
        return true;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(storedHash));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
