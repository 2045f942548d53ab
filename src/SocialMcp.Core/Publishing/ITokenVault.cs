using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Publishing;

/// <summary>
/// Turns an account's token reference into the access token for one platform call, and protects a new token for
/// storage. References name where the secret lives — encrypted in the database, an environment variable, the
/// sandbox — so the secret itself is never in a log, a result or a plain column.
/// </summary>
public interface ITokenVault
{
    Task<string?> GetAccessTokenAsync(Account account, CancellationToken cancellationToken);

    /// <summary>The token reference to store for a new plaintext token (encrypted at rest).</summary>
    string Protect(string accessToken);
}
